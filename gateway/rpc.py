"""A small pool of standalone nameko RPC proxies: each is used by one request at a time."""
from __future__ import annotations

from contextlib import contextmanager

from eventlet.queue import LifoQueue
from nameko.standalone.rpc import ClusterRpcProxy

import services.edge.errors  # noqa: F401  (caller errors arrive as themselves)


class RpcPool:
    def __init__(self, config: dict, timeout: float, size: int = 8):
        self.config = config
        self.timeout = timeout
        self.size = size
        self._free: LifoQueue = LifoQueue()
        self._made = 0
        self._all: list = []

    @contextmanager
    def cluster(self):
        """A ClusterProxy: `with pool.cluster() as rpc: rpc.orgs.get(id)`."""
        proxy = self._take()
        healthy = True
        try:
            yield proxy[1]
        except Exception as error:
            healthy = not _broken(error)
            raise
        finally:
            if healthy:
                self._free.put(proxy)
            else:
                self._discard(proxy)

    def _take(self):
        if self._free.empty() and self._made < self.size:
            self._made += 1
            standalone = ClusterRpcProxy(self.config, timeout=self.timeout)
            try:
                item = (standalone, standalone.start())
            except Exception:
                self._made -= 1
                raise
            self._all.append(item)
            return item
        return self._free.get()

    def _discard(self, item) -> None:
        self._made -= 1
        self._all.remove(item)
        try:
            item[0].stop()
        except Exception:
            pass

    def close(self) -> None:
        for standalone, _ in list(self._all):
            try:
                standalone.stop()
            except Exception:
                pass
        self._all.clear()


def _broken(error: Exception) -> bool:
    """Errors after which a proxy's reply queue may be out of step with its caller."""
    from nameko.exceptions import RpcTimeout
    return isinstance(error, (RpcTimeout, OSError, ConnectionError))
