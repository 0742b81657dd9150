// The dashboards' Apache ECharts: only the charts, components and renderers they use, exposed as
// window.echarts (the same API as the full build: init, registerMap, getInstanceByDom, ...).
// Built by build.mjs into gateway/web/static/vendor/echarts.min.js at set-up.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart, PieChart } from 'echarts/charts';
import {
  AriaComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { LabelLayout } from 'echarts/features';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart, LineChart, MapChart, PieChart,
  AriaComponent, DatasetComponent, GridComponent, LegendComponent, MarkLineComponent,
  TitleComponent, TooltipComponent, VisualMapComponent,
  LabelLayout,
  CanvasRenderer, SVGRenderer,
]);

window.echarts = echarts;
