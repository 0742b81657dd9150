"""The message catalogue: every user-facing text, Thai first, then English.

Code elsewhere names a message by its code (and parameters); only catalogue entries hold
words. Each owner keeps its own entries: the chassis the ones every service and caller shares
(below), each register its own (`services/contracts/<register>/messages.py`, found through the
registry), the gateway its page texts (`gateway/messages.py`, added when the gateway loads).
`CATALOGUE` is their union; a code defined by two owners is an error, not an override."""
from __future__ import annotations

from collections.abc import Mapping

CORE: dict[str, tuple[str, str]] = {
    # request-level
    "validation_failed": ("ข้อมูลไม่ถูกต้อง", "The data is not valid"),
    "invalid_json": ("เนื้อหาคำขอไม่ใช่ JSON ที่ถูกต้อง", "The request body is not valid JSON"),
    "not_found": ("ไม่พบข้อมูลที่ต้องการ", "The record was not found"),
    "conflict": (
        "ข้อมูลถูกแก้ไขโดยผู้อื่นแล้ว (ฉบับปัจจุบัน {current_version}) โปรดโหลดใหม่แล้วแก้ไขอีกครั้ง",
        "Someone else changed this record first (current version {current_version}); reload and apply your change again",
    ),
    "precondition_required": (
        "ต้องระบุเวอร์ชันที่แก้ไข (ส่วนหัว If-Match)",
        "The version being edited is required (If-Match header)",
    ),
    "archived": ("ข้อมูลนี้ถูกจัดเก็บแล้ว แก้ไขไม่ได้", "This record is archived and cannot be changed"),
    "nothing_changed": ("ไม่มีการเปลี่ยนแปลง", "Nothing changed"),
    "unavailable": ("บริการไม่พร้อมใช้งานชั่วคราว", "The service is temporarily unavailable"),
    "internal_error": ("เกิดข้อผิดพลาดภายในระบบ", "Something went wrong inside the system"),
    # who is asking (DESIGN §2a)
    "sign_in_required": ("โปรดเข้าสู่ระบบก่อน", "Please sign in first"),
    "forbidden": ("คุณไม่มีสิทธิ์ทำรายการนี้", "You are not allowed to do this"),
    "assertion_missing": ("คำขอไม่ได้ระบุผู้ขอที่ลงนามแล้ว", "The request does not say, signed, who is asking"),
    "assertion_malformed": ("การยืนยันตัวผู้ขอมีรูปแบบไม่ถูกต้อง", "The assertion of who is asking is malformed"),
    "assertion_expired": ("การยืนยันตัวผู้ขอหมดอายุแล้ว โปรดลองใหม่", "The assertion of who is asking has expired; try again"),
    "assertion_forged": ("ลายมือชื่อของการยืนยันตัวผู้ขอไม่ถูกต้อง", "The signature of the assertion of who is asking is not valid"),
    "assertion_unknown_key": (
        "การยืนยันตัวผู้ขอลงนามด้วยกุญแจที่ระบบไม่รู้จัก",
        "The assertion of who is asking is signed with a key this service does not trust",
    ),
    "assertion_other_request": (
        "การยืนยันตัวผู้ขอนี้ลงนามไว้สำหรับคำขออื่น",
        "The assertion of who is asking was signed for another request",
    ),
    "assertion_other_service": (
        "การยืนยันตัวผู้ขอนี้ลงนามไว้สำหรับบริการอื่น",
        "The assertion of who is asking was signed for another service",
    ),
    "assertion_other_call": (
        "การยืนยันตัวผู้ขอนี้ลงนามไว้สำหรับคำสั่งอื่น",
        "The assertion of who is asking was signed for another call",
    ),
    "assertion_too_long": (
        "การยืนยันตัวผู้ขอมีอายุยาวเกินกำหนด",
        "The assertion of who is asking is valid for longer than allowed",
    ),
    "assertion_not_allowed": (
        "ผู้ลงนามนี้ไม่มีสิทธิ์ยืนยันตัวผู้ขอรายนี้",
        "This signer may not assert who this is",
    ),
    "method_not_allowed": ("ไม่รองรับวิธีการนี้", "This method is not allowed here"),
    "unsupported_media_type": ("ต้องส่งข้อมูลแบบ application/json", "The body must be application/json"),
    "required": ("ต้องกรอกข้อมูลนี้", "This field is required"),
    "null": ("ต้องไม่เว้นว่าง", "This field may not be empty"),
    "blank": ("ต้องไม่เป็นช่องว่าง", "This field may not be blank"),
    "invalid": ("รูปแบบข้อมูลไม่ถูกต้อง", "The value is not valid"),
    "not_integer": ("ต้องเป็นจำนวนเต็ม (เลขไทยหรือเลขอารบิก)", "Must be a whole number (Thai or Arabic digits)"),
    "not_text": ("ต้องเป็นข้อความ", "Must be text"),
    "unknown_field": ("ไม่รู้จักช่องข้อมูลนี้", "Unknown field"),
    "read_only": ("ช่องนี้ระบบกำหนดเอง แก้ไขไม่ได้", "This field is set by the system and cannot be changed"),
    "too_long": ("ยาวเกิน {max} ตัวอักษร", "Longer than {max} characters"),
    "out_of_range": ("ต้องอยู่ระหว่าง {min} ถึง {max}", "Must be between {min} and {max}"),
    "control_characters": ("มีอักขระควบคุมที่ไม่อนุญาต", "Contains control characters"),
    "not_one_of": ("ค่าไม่อยู่ในรายการที่กำหนด", "Not one of the allowed values"),
    "not_one_of_closest": (
        "ค่าไม่อยู่ในรายการที่กำหนด ค่าที่ใกล้เคียงที่สุด: {closest_th}",
        "Not one of the allowed values; the closest: {closest_en}",
    ),
    "year_in_future": ("ปีต้องไม่เกินปีปัจจุบัน", "The year may not be in the future"),
    "year_too_early": ("ปีเก่าเกินไป (ก่อน พ.ศ. {min_be})", "The year is too early (before {min_ce})"),
    "unknown_province": ("ไม่พบรหัสจังหวัดนี้", "Unknown province code"),
    "unknown_center": ("ไม่พบรหัสศูนย์ประสานงานนี้", "There is no coordination center with this code"),
    "unknown_district": ("ไม่พบรหัสอำเภอ/เขตนี้", "Unknown district code"),
    "unknown_subdistrict": ("ไม่พบรหัสตำบล/แขวงนี้", "Unknown subdistrict code"),
    "district_not_in_province": ("อำเภอ/เขตนี้ไม่อยู่ในจังหวัดที่เลือก", "The district is not in the chosen province"),
    "subdistrict_not_in_district": ("ตำบล/แขวงนี้ไม่อยู่ในอำเภอ/เขตที่เลือก", "The subdistrict is not in the chosen district"),
    "subdistrict_not_in_province": ("ตำบล/แขวงนี้ไม่อยู่ในจังหวัดที่เลือก", "The subdistrict is not in the chosen province"),
    "district_required_in_bangkok": (
        "ในกรุงเทพมหานครต้องระบุเขต เพื่อกำหนดศูนย์ประสานงาน",
        "A Bangkok location needs its district to find its coordination center",
    ),
    "markup_not_allowed": (
        "ห้ามมีแท็ก HTML หรือโค้ด (เช่น <script>) ในช่องนี้ ใช้ข้อความธรรมดา",
        "No HTML tags or code (such as <script>) here: plain text only",
    ),
    "html_not_allowed": (
        "ห้ามใส่ HTML ในเนื้อหา ใช้รูปแบบ Markdown (เช่น **ตัวหนา** [ลิงก์](https://...))",
        "No HTML in the body: use Markdown (e.g. **bold**, [link](https://...))",
    ),
    "unsafe_link": (
        "ลิงก์ต้องขึ้นต้นด้วย http:// หรือ https:// (ไม่รับ javascript: หรือ data:)",
        "A link must start with http:// or https:// (javascript: and data: are refused)",
    ),
    "source_not_running": (
        "ทะเบียนนี้ยังไม่ทำงาน จะอ่านบันทึกเหตุการณ์ในรอบถัดไป", "The register is not running; its log is read next round"),
    "projection_rebuilt": (
        "ตารางตัวชี้วัดเป็นรุ่นเก่า ล้างแล้ว และจะสร้างใหม่จากบันทึกเหตุการณ์",
        "The indicators' tables were of another version: cleared, to be rebuilt from the logs",
    ),
    "invalid_url": ("ที่อยู่เว็บไม่ถูกต้อง", "Not a valid web address"),
    "invalid_date": ("วันที่ไม่ถูกต้อง (ปี-เดือน-วัน เช่น 2568-03-15)", "Not a valid date (year-month-day, e.g. 2025-03-15)"),
    "date_in_future": ("วันที่ต้องไม่เกินวันนี้", "The date may not be in the future"),
    "not_a_list": ("ต้องเป็นรายการ", "Must be a list"),
    "too_many": ("ส่งได้ไม่เกิน {max} รายการต่อครั้ง", "At most {max} items per request"),
    # spreadsheets: the columns every register's location has, sheets, guides, file problems, progress
    "col_province": ("จังหวัด", "Province"),
    "col_district": ("อำเภอ/เขต", "District"),
    "col_subdistrict": ("ตำบล/แขวง", "Subdistrict"),
    "col_village_no": ("หมู่ที่", "Village no"),
    "col_address": ("ที่อยู่", "Address"),
    "col_province_name": ("ชื่อจังหวัด", "Province name"),
    "col_district_name": ("ชื่ออำเภอ/เขต", "District name"),
    "col_subdistrict_name": ("ชื่อตำบล/แขวง", "Subdistrict name"),
    "col_version": ("ฉบับที่", "Version"),
    "col_center": ("ศูนย์ประสานงาน", "Center"),
    "col_status": ("สถานะ", "Status"),
    "col_created_at": ("วันที่บันทึก", "Created at"),
    "col_updated_at": ("วันที่แก้ไขล่าสุด", "Updated at"),
    "help_province": ("รหัสจังหวัด 2 หลัก หรือชื่อจังหวัด เช่น 50 หรือ เชียงใหม่", "2-digit province code or name, e.g. 50 or Chiang Mai"),
    "help_district": ("รหัสอำเภอ/เขต 4 หลัก หรือชื่อ เช่น 5001", "4-digit district code or name, e.g. 5001"),
    "help_subdistrict": ("รหัสตำบล/แขวง 6 หลัก หรือชื่อ เช่น 500101", "6-digit subdistrict code or name, e.g. 500101"),
    "help_village_no": ("หมู่ที่ 1-99 ถ้ามี", "Village number 1-99, if any"),
    "help_address": ("บ้านเลขที่ ถนน ซอย ถ้ามี", "House number and street, if any"),
    "sheet_guide": ("คำอธิบาย (Guide)", "Guide"),
    "sheet_provinces": ("จังหวัด", "Provinces"),
    "list_code": ("รหัส", "Code"),
    "list_thai": ("ชื่อภาษาไทย", "Thai"),
    "list_english": ("ชื่อภาษาอังกฤษ", "English"),
    "guide_column": ("หัวคอลัมน์", "Column"),
    "guide_header_en": ("หัวคอลัมน์ภาษาอังกฤษ", "English header"),
    "guide_required": ("ต้องกรอก", "Required"),
    "guide_description": ("คำอธิบาย", "Description"),
    "guide_example": ("ตัวอย่าง", "Example"),
    "err_row": ("แถว", "Row"),
    "err_column": ("คอลัมน์", "Column"),
    "err_th": ("ข้อความ", "Thai message"),
    "err_en": ("ข้อความภาษาอังกฤษ", "English message"),
    "empty_file": ("ไฟล์ว่างเปล่า", "The file is empty"),
    "no_rows": ("ไม่มีแถวข้อมูลใต้หัวคอลัมน์", "There are no data rows under the headers"),
    "file_encoding": (
        "อ่านไฟล์ CSV ไม่ได้: ต้องบันทึกเป็น UTF-8 หรือ TIS-620 (Windows-874)",
        "Cannot read the CSV file: save it as UTF-8 or TIS-620 (Windows-874)",
    ),
    "not_a_spreadsheet": (
        "ไฟล์นี้ไม่ใช่สเปรดชีต: ต้องเป็นไฟล์ .xlsx หรือ .csv",
        "This file is not a spreadsheet: send a .xlsx or .csv file",
    ),
    "xls_not_supported": (
        "ไฟล์ .xls รุ่นเก่าอ่านไม่ได้: โปรดบันทึกเป็น .xlsx หรือ .csv",
        "Old .xls files cannot be read: save it as .xlsx or .csv",
    ),
    "sheet_not_found": ("ไม่พบแผ่นงาน {sheet} (ในไฟล์มี: {sheets})", "There is no sheet {sheet} (the file has: {sheets})"),
    "unknown_column": ("ไม่รู้จักคอลัมน์ {column}", "Unknown column {column}"),
    "missing_column": ("ไม่มีคอลัมน์ {column} ซึ่งต้องมี", "The required column {column_en} is missing"),
    "duplicate_column": ("คอลัมน์ {column} ซ้ำกัน", "The column {column} appears twice"),
    "problem_at": ("แถว {row} คอลัมน์ {column}", "row {row}, column {column}"),
    "problem_row": ("แถว {row}", "row {row}"),
    "import_checking": ("กำลังตรวจสอบ", "Checking"),
    "import_importing": ("กำลังนำเข้า", "Importing"),
    "import_counts": (
        "เพิ่มใหม่ {created} แก้ไข {updated} เหมือนเดิม {unchanged} ไม่ผ่าน {rejected}",
        "created {created}, updated {updated}, unchanged {unchanged}, rejected {rejected}",
    ),
    "import_would": (
        "ถ้านำเข้าแถวที่ผ่านการตรวจสอบ: จะเพิ่มใหม่ {created} แก้ไข {updated} เหมือนเดิม {unchanged} ไม่ผ่าน {rejected}",
        "if the rows that pass were imported: created {created}, updated {updated}, unchanged {unchanged}; "
        "rejected {rejected}",
    ),
    "import_dry_run": ("ทดลองตรวจสอบเท่านั้น ยังไม่ได้บันทึกข้อมูล", "Dry run: nothing was written"),
    "import_dry_run_fix_first": (
        "การนำเข้าทั้งไฟล์จะยังไม่บันทึกข้อมูลใดๆ จนกว่าจะแก้ไขแถวที่ไม่ผ่าน หรือเลือกนำเข้าเฉพาะแถวที่ถูกต้อง",
        "Imported whole, the file would write nothing until the rejected rows are fixed, "
        "or only the good rows are imported",
    ),
    "import_nothing_written": (
        "มีแถวที่ไม่ผ่านการตรวจสอบ จึงยังไม่ได้บันทึกข้อมูลใดๆ",
        "Some rows were rejected, so nothing was written",
    ),
    "import_interrupted": (
        "การนำเข้าหยุดกลางคัน โปรดนำเข้าไฟล์เดิมอีกครั้ง (ข้อมูลจะไม่ซ้ำ)",
        "The import stopped part-way; import the same file again (nothing is duplicated)",
    ),
    "import_stage_gone": (
        "ไม่พบแถวที่ตรวจสอบแล้วของการนำเข้านี้ (ค้างไว้นานเกินไป) โปรดนำเข้าไฟล์เดิมอีกครั้ง (ข้อมูลจะไม่ซ้ำ)",
        "The checked rows of this import are no longer held (kept too long); import the same file again "
        "(nothing is duplicated)",
    ),
    "export_format": ("ส่งออกได้เฉพาะไฟล์ .xlsx หรือ .csv", "Export to a .xlsx or .csv file"),
    "source_orgs": ("ทะเบียนองค์กรชุมชน", "Organization register"),
    "source_people": ("ทะเบียนบุคคล", "People register"),
    "source_knowledge": ("คลังความรู้", "Knowledge"),
    # the command line: sanphalang replay and verify
    "replay_broken": ("การสร้างใหม่หยุดที่ {source} ลำดับ {seq} ({reason}): บันทึกนี้ไม่ตรงกับที่แหล่งข้อมูลเขียนไว้ ตรวจด้วย sanphalang verify",
                      "Replay stopped at {source} seq {seq} ({reason}): the log is not what its source wrote; run sanphalang verify"),
    "replay_progress": ("กำลังสร้างตัวชี้วัดใหม่จากบันทึกเหตุการณ์", "Replaying the event logs into the indicators"),
    "verify_progress": (
        "กำลังตรวจห่วงโซ่บันทึกเหตุการณ์และเทียบตัวชี้วัดกับการสร้างใหม่",
        "Checking the event chains and comparing the indicators with a fresh replay",
    ),
    # the command line: sanphalang backup and restore (docs/operations.md)
    "backup_done": ("สำรองข้อมูล {id} ไว้ที่ {directory} แล้ว", "Backup {id} written to {directory}"),
    "backup_not_empty": ("โฟลเดอร์ {directory} มีไฟล์อยู่แล้ว โปรดใช้โฟลเดอร์ใหม่หรือโฟลเดอร์ว่าง",
                         "{directory} is not empty: back up into a new or empty directory"),
    "backup_keys_inside": (
        "สำเนากุญแจ ({keys}) ต้องเก็บแยกจากข้อมูลสำรอง ({directory}) ไม่ใช่ภายในโฟลเดอร์เดียวกัน",
        "The key store copy ({keys}) must be kept apart from the backup ({directory}), not inside it",
    ),
    "backup_no_pg_tools": (
        "ไม่พบโปรแกรม {tools} ของ PostgreSQL โปรดติดตั้ง postgresql-client รุ่นเดียวกับเซิร์ฟเวอร์หรือใหม่กว่า",
        "{tools} not found: install postgresql-client of the server's version or newer",
    ),
    "backup_database_missing": ("ยังไม่มีฐานข้อมูล {database} โปรดเริ่มระบบสักครั้งก่อน",
                                "The {database} database does not exist yet: start the system once first"),
    "restore_done": (
        "กู้คืนแล้ว ห่วงโซ่และตำแหน่งถูกต้อง โปรดเริ่มระบบ แล้วสั่ง sanphalang verify",
        "Restored; chains and positions check out. Start the system, then run sanphalang verify",
    ),
    "restore_checks_failed": ("กู้คืนแล้ว แต่การตรวจหลังกู้คืนไม่ผ่าน (ดูรายการด้านบน)",
                              "Restored, but the checks after it failed (see above)"),
    "restore_no_manifest": ("ไม่พบ manifest.json ใน {directory} จึงไม่ใช่ข้อมูลสำรองที่สมบูรณ์",
                            "No manifest.json in {directory}: not a complete backup"),
    "restore_format": ("ข้อมูลสำรองรูปแบบ {format} ซึ่งรุ่นนี้อ่านไม่ได้",
                       "The backup is in format {format}, which this version cannot read"),
    "restore_checksums": (
        "ไฟล์ {count} ไฟล์ในข้อมูลสำรองไม่ตรงกับ manifest หรือหายไป ({files}) จึงไม่กู้คืน",
        "{count} files of the backup are missing or differ from its manifest ({files}): nothing restored",
    ),
    "restore_other_backend": (
        "ฐานข้อมูล {database} ในข้อมูลสำรองเป็น {backup} แต่ปลายทางเป็น {target}",
        "The backup's {database} database is {backup}; the target is {target}",
    ),
    "restore_running": ("ระบบยังทำงานอยู่ ({running}) โปรดหยุดทุกบริการก่อนกู้คืน",
                        "The system is running ({running}): stop every service before a restore"),
    "restore_not_empty": (
        "ปลายทางมีข้อมูลอยู่แล้ว ({places}) ใช้ --force เพื่อแทนที่ด้วยข้อมูลสำรอง",
        "The target already holds data ({places}): --force replaces it with the backup",
    ),
    "restore_no_broker": ("ติดต่อ RabbitMQ ไม่ได้ ({error}) การกู้คืนต้องใช้เพื่อตรวจและล้างคิว",
                          "RabbitMQ cannot be reached ({error}): a restore needs it to check and empty the queues"),
    "restore_erasures_unknown": (
        "ที่เก็บกุญแจของ {service} และบันทึกปัจจุบันว่างเปล่า จึงไม่รู้ว่ามีการลบข้อมูลบุคคลใดหลังสำเนากุญแจ "
        "โปรดกู้คืนที่เก็บกุญแจจากสำเนาจำลอง หรือระบุ --erasures พร้อมรายการผู้ที่ถูกลบจากบันทึกคำขอ",
        "The {service} key store and its live log are empty, so the erasures since the key copy are unknown: "
        "restore the key store from its replica, or give --erasures with the erased ids from your request records",
    ),
    "restore_no_keys": (
        "ที่เก็บกุญแจของ {service} ว่างเปล่า ข้อมูลส่วนบุคคลทั้งหมดจะอ่านไม่ได้ โปรดกู้คืนที่เก็บกุญแจก่อน "
        "หรือใช้ --keys หรือ --force เพื่อกู้คืนโดยไม่มีกุญแจ",
        "The {service} key store is empty: every personal value would be unreadable. Restore the key store "
        "first, or give --keys, or --force to restore without keys",
    ),
    "restore_no_key_copy": ("ไม่มีสำเนากุญแจของ {service} สำหรับข้อมูลสำรองนี้ใน {directory}",
                            "No {service} key store copy of this backup in {directory}"),
    "restore_key_copy_expired": (
        "สำเนากุญแจ {copy} เก่าเกิน {days} วัน จึงใช้ไม่ได้และควรถูกลบแล้ว",
        "The key store copy {copy} is older than {days} days: it may not be used and should be deleted",
    ),
    "restore_no_master": ("ไม่พบกุญแจหลัก (SANPHALANG_MASTER_KEY) จึงเปิดสำเนากุญแจไม่ได้",
                          "No master key (SANPHALANG_MASTER_KEY): the key store copy cannot be opened"),
    "restore_key_copy_unreadable": (
        "เปิดสำเนากุญแจ {copy} ไม่ได้ ด้วยกุญแจหลักนี้ (กุญแจหลักอื่นหรือไฟล์ถูกแก้ไข)",
        "The key store copy {copy} does not open with this master key (another master, or altered)",
    ),
    # the command line: sanphalang dead-letters, and the log line of a message a service rejects
    "message_rejected": (
        "ปฏิเสธข้อความที่ประมวลผลไม่ได้ (ดูคิวข้อความที่ประมวลผลไม่ได้)",
        "A message that could not be handled was rejected (see the dead letters)",
    ),
    "heartbeat_failed": ("ส่งสัญญาณสถานะ (sanphalang status) ไม่ได้ จะลองใหม่",
                         "A status heartbeat (sanphalang status) was not sent; trying again"),
    "dead_letters_none": ("ไม่มีข้อความที่ประมวลผลไม่ได้ค้างอยู่", "No dead letters"),
    "dead_letters_waiting": ("{queue}: ข้อความที่ประมวลผลไม่ได้ {count} รายการ", "{queue}: {count} dead letters"),
    "dead_letters_redriven": ("{queue}: ส่งกลับเข้าคิว {count} รายการ", "{queue}: {count} dead letters sent back"),
    "dead_letters_redriven_total": ("ส่งกลับเข้าคิวทั้งหมด {count} รายการ", "{count} dead letters sent back in all"),
    # the command line: sanphalang demo --national
    "national_demo_rows": ("สร้างแถวตัวอย่างแล้ว: องค์กร {orgs} แถว บุคคล {people} แถว ใน {seconds} วินาที",
                           "Made the demo rows: {orgs} organizations and {people} people in {seconds} s"),
    "national_demo_stages": (
        "{register}: {rows} แถว ตรวจสอบ {validate} วินาที บันทึก {append} วินาที เผยแพร่ครบ {publish} วินาที "
        "และรายงานตามทัน {project} วินาทีหลังบันทึกเสร็จ รวม {total} วินาที ({rate} แถว/วินาที)",
        "{register}: {rows} rows; validated {validate} s, appended {append} s; published {publish} s and "
        "projected (reporting caught up) {project} s after the last append; {total} s in all ({rate} rows/s)",
    ),
    "national_demo_done": ("โหลดชุดข้อมูลระดับประเทศเสร็จใน {seconds} วินาที (ตรวจสอบ บันทึก เผยแพร่ และรายงานตามทัน)",
                           "The national dataset loaded in {seconds} s (validated, appended, published, projected)"),
    "national_demo_samples": ("ประเมิน ยืนยัน และบันทึกการอบรมของกลุ่มตัวอย่างเสร็จใน {seconds} วินาที",
                              "The samples assessed, confirmed current and trained in {seconds} s"),
    "national_demo_stalled": ("รายงานหยุดตามที่ {source} ลำดับ {position} จาก {head}",
                              "Reporting stopped at {source} seq {position} of {head}"),
}


class DuplicateCode(Exception):
    """A code defined by two owners of the catalogue."""


_added: dict[str, dict[str, tuple[str, str]]] = {}  # owner -> entries, besides the core and the registers'


def add(owner: str, entries: dict[str, tuple[str, str]]) -> None:
    """Add an owner's entries (the gateway's page texts) to the catalogue."""
    _added[owner] = entries
    _merged.clear()


def parts() -> dict[str, dict[str, tuple[str, str]]]:
    """Every owner's entries: the chassis', each built register's, then those added. A
    register's entries are found through the registry, by name (as its service class is),
    not imported here: the chassis knows no register."""
    from services.registry import BUILT_SOURCES, contract

    return {"chassis": CORE, **{name: contract(name, "messages").MESSAGES for name in BUILT_SOURCES}, **_added}


_merged: dict[str, tuple[str, str]] = {}


def _catalogue() -> dict[str, tuple[str, str]]:
    if not _merged:
        owners: dict[str, str] = {}
        merged: dict[str, tuple[str, str]] = {}
        for owner, entries in parts().items():
            for code in entries:
                if code in owners:
                    raise DuplicateCode(f"{code} is defined by {owners[code]} and by {owner}")
                owners[code] = owner
            merged.update(entries)
        _merged.update(merged)  # whole, or not at all
    return _merged


class _Catalogue(Mapping):
    """The union of every owner's entries, read like one dict."""

    def __getitem__(self, code: str) -> tuple[str, str]:
        return _catalogue()[code]

    def __iter__(self):
        return iter(_catalogue())

    def __len__(self) -> int:
        return len(_catalogue())

    def __contains__(self, code) -> bool:
        return code in _catalogue()


CATALOGUE = _Catalogue()


def message(code: str, **params) -> dict[str, str]:
    """The Thai and English text of a catalogue entry, with its parameters filled in."""
    catalogue = _catalogue()
    th, en = catalogue.get(code, catalogue["invalid"])
    return {"th": th.format(**params), "en": en.format(**params)}
