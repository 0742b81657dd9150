"""The texts of the people register: its own problems, its spreadsheet columns and sheets,
its events' names, and what its commands print. Thai first, then English."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # problems
    "person_other_center": (
        "บุคคลนี้อยู่ในพื้นที่ของศูนย์อื่น ({center}) คุณแก้ไขได้เฉพาะข้อมูลของศูนย์ตนเอง",
        "This person belongs to another center ({center}); you may only change your own center's records",
    ),
    "role_other_center": (
        "บทบาทนี้อยู่ในพื้นที่ของศูนย์อื่น ({center}) ศูนย์นั้นหรือผู้ดูแลส่วนกลางเป็นผู้มอบหมาย",
        "This role is for another center's area ({center}); that center or a central admin assigns it",
    ),
    "person_merged": ("บุคคลนี้ถูกรวมกับรายการอื่นแล้ว", "This person has been merged into another record"),
    "person_not_merged": ("บุคคลนี้ไม่ได้ถูกรวมกับรายการอื่น", "This person is not merged into another record"),
    "person_merge_itself": ("รวมบุคคลเข้ากับตัวเองไม่ได้", "A person cannot be merged into themselves"),
    "person_erased": (
        "ข้อมูลของบุคคลนี้ถูกลบตามคำขอแล้ว ใช้รหัสนี้ลงทะเบียนใหม่ไม่ได้",
        "This person's data was erased on request; the id cannot be registered again",
    ),
    "person_exists": ("มีบุคคลที่ใช้รหัสนี้แล้ว", "A person with this id exists already"),
    "consent_required": (
        "ต้องบันทึกความยินยอมเมื่อฐานทางกฎหมายคือความยินยอม",
        "Consent must be recorded when consent is the legal basis",
    ),
    "witness_required": ("ความยินยอมด้วยวาจาต้องมีพยาน", "Verbal consent needs a witness"),
    "consent_unknown": ("ไม่พบความยินยอมนี้", "No such consent"),
    "consent_needed": (
        "ต้องบันทึกความยินยอมใหม่ก่อน จึงจะใช้ข้อมูลได้อีก",
        "A new consent must be recorded before the data may be used again",
    ),
    "not_restricted": ("ข้อมูลของบุคคลนี้ไม่ได้ถูกระงับการใช้", "This person's data is not restricted"),
    "role_held": ("บุคคลนี้มีบทบาท {role} อยู่แล้ว", "This person holds the role {role} already"),
    "role_not_held": ("บุคคลนี้ไม่มีบทบาท {role}", "This person does not hold the role {role}"),
    "org_not_linked": ("บุคคลนี้ไม่ได้สังกัดองค์กรนี้", "This person is not linked to this organization"),
    "request_closed": ("คำขอนี้ดำเนินการเสร็จแล้ว", "This request has been handled already"),
    "refusal_ground_required": ("การปฏิเสธต้องระบุเหตุผล", "A refusal needs its ground"),
    "national_id_format": ("เลขประจำตัวประชาชนต้องมี 13 หลัก", "A national ID has 13 digits"),
    "national_id_check_digit": (
        "เลขประจำตัวประชาชนไม่ถูกต้อง (เลขตรวจสอบไม่ตรง)", "This national ID is not valid (its check digit is wrong)",
    ),
    "phone_format": ("อ่านหมายเลขโทรศัพท์ไม่ได้", "This phone number cannot be read"),
    "phone_impossible": ("หมายเลขโทรศัพท์นี้ไม่มีอยู่จริง", "This phone number cannot exist"),
    "email_format": ("อีเมลไม่ถูกต้อง", "This e-mail address is not valid"),
    # columns, guide texts and sheets
    "col_given_name": ("ชื่อ", "Given name"),
    "col_family_name": ("นามสกุล", "Family name"),
    "col_person_name_en": ("ชื่อ-นามสกุลภาษาอังกฤษ", "Name in English"),
    "col_national_id": ("เลขประจำตัวประชาชน", "National ID"),
    "col_phone": ("โทรศัพท์", "Phone"),
    "col_email": ("อีเมล", "E-mail"),
    "col_line_id": ("ไลน์ไอดี", "LINE id"),
    "col_person_address": ("ที่อยู่", "Address"),
    "col_birth_year": ("ปีเกิด", "Year of birth"),
    "col_notes": ("หมายเหตุ", "Notes"),
    "col_skills": ("ความเชี่ยวชาญ", "Skills"),
    "col_languages": ("ภาษา", "Languages"),
    "col_years_experience": ("ประสบการณ์ (ปี)", "Years of experience"),
    "col_roles": ("บทบาท", "Roles"),
    "col_legal_basis": ("ฐานทางกฎหมาย", "Legal basis"),
    "col_consent_purposes": ("วัตถุประสงค์ที่ยินยอม", "Consent purposes"),
    "col_consent_notice": ("ฉบับของประกาศความเป็นส่วนตัว", "Privacy notice version"),
    "col_consent_on": ("วันที่ให้ความยินยอม", "Consent given on"),
    "col_consent_channel": ("ช่องทางความยินยอม", "Consent channel"),
    "col_consent_witness": ("พยาน (ความยินยอมด้วยวาจา)", "Witness (verbal consent)"),
    "col_person_id": ("รหัสบุคคล", "Id"),
    "col_consent": ("สถานะความยินยอม", "Consent"),
    "col_work_areas": ("พื้นที่ทำงาน", "Work areas"),
    "col_national_id_last4": ("เลขประจำตัวประชาชน (4 หลักท้าย)", "National ID (last 4 digits)"),
    "col_trainings": ("การอบรม", "Trainings"),
    "help_given_name": ("ชื่อ (ต้องกรอก)", "Given name (required)"),
    "help_family_name": ("นามสกุล", "Family name"),
    "help_national_id": ("13 หลัก ถ้ามี (ระบบเก็บแบบเข้ารหัส)", "13 digits, if any (kept encrypted)"),
    "help_phone": ("เช่น 081-234-5678", "e.g. 081-234-5678"),
    "help_skills": ("คั่นด้วยจุลภาค จากแผ่นงาน ความเชี่ยวชาญ", "Comma-separated, from the Skills sheet"),
    "help_languages": ("คั่นด้วยจุลภาค จากแผ่นงาน ภาษา", "Comma-separated, from the Languages sheet"),
    "help_roles": ("คั่นด้วยจุลภาค จากแผ่นงาน บทบาท (ในพื้นที่ของที่อยู่)", "Comma-separated, from the Roles sheet (for the home area)"),
    "help_legal_basis": ("ความยินยอม หรือฐานอื่นจากแผ่นงาน ฐานทางกฎหมาย", "Consent, or another basis from the Legal bases sheet"),
    "help_consent_on": ("วันที่ พ.ศ. หรือ ค.ศ.", "Date, B.E. or C.E."),
    "help_person_name_en": ("ชื่อและนามสกุลภาษาอังกฤษ ถ้ามี", "Name in English, if any"),
    "help_email": ("อีเมล ถ้ามี", "E-mail address, if any"),
    "help_line_id": ("ไลน์ไอดี ถ้ามี", "LINE id, if any"),
    "help_person_address": ("บ้านเลขที่ หมู่ ถนน ถ้ามี", "House number, village and street, if any"),
    "help_birth_year": ("ปี พ.ศ. หรือ ค.ศ. ถ้ามี", "Year, B.E. or C.E., if any"),
    "help_notes": ("หมายเหตุเกี่ยวกับบุคคล ถ้ามี", "Notes about the person, if any"),
    "help_years_experience": ("จำนวนปี 0-80", "Number of years, 0-80"),
    "help_work_areas": (
        "รหัสจังหวัด อำเภอ หรือตำบลที่ทำงาน คั่นด้วยจุลภาค ถ้ามี",
        "Province, district or subdistrict codes where they work, comma-separated, if any",
    ),
    "help_consent_purposes": (
        "คั่นด้วยจุลภาค จากแผ่นงาน วัตถุประสงค์ (เมื่อฐานทางกฎหมายคือความยินยอม)",
        "Comma-separated, from the Purposes sheet (when the legal basis is consent)",
    ),
    "help_consent_notice": ("ฉบับของประกาศความเป็นส่วนตัวที่แจ้งแก่บุคคล เช่น 2568-1", "The privacy notice's version the person was given, e.g. 2568-1"),
    "help_consent_channel": ("จากแผ่นงาน ช่องทางความยินยอม", "From the Consent channels sheet"),
    "help_consent_witness": ("ชื่อพยาน ต้องกรอกเมื่อให้ความยินยอมด้วยวาจา", "The witness's name, required for verbal consent"),
    "sheet_people": ("บุคคล", "People"),
    "sheet_roles": ("บทบาท", "Roles"),
    "sheet_skills": ("ความเชี่ยวชาญ", "Skills"),
    "sheet_languages": ("ภาษา", "Languages"),
    "sheet_legal_bases": ("ฐานทางกฎหมาย", "Legal bases"),
    "sheet_consent_purposes": ("วัตถุประสงค์", "Purposes"),
    "sheet_consent_channels": ("ช่องทางความยินยอม", "Consent channels"),
    "people_guide_note": (
        "กรอกข้อมูลในแผ่นงาน บุคคล แถวละหนึ่งคน ต้องมีความยินยอมหรือฐานทางกฎหมายอื่นทุกแถว",
        "Fill the People sheet, one person a row; every row needs consent or another legal basis",
    ),
    "people_export_done": ("ส่งออก {count} คนไปที่ {path}", "Exported {count} people to {path}"),
    "people_demo_trainings": ("บันทึกการอบรมของบุคคลตัวอย่าง", "Recording the demo people's trainings"),
    "people_demo_trained": ("บันทึกการอบรม {count} รายการ", "Recorded {count} trainings"),
    "people_demo_done": ("ลงทะเบียนบุคคลตัวอย่าง {count} คน ใน {seconds} วินาที", "Registered {count} demo people in {seconds} s"),
    "example_given_name": ("สมศรี", "Somsri"),
    "example_family_name": ("ใจดี", "Jaidee"),
    "example_person_address": ("12 หมู่ 3", "12 Moo 3"),
    # events
    "event_PersonRegistered": ("ลงทะเบียนบุคคล", "Registered"),
    "event_PersonAmended": ("แก้ไขข้อมูล", "Corrected"),
    "event_RoleStarted": ("เริ่มบทบาท", "Role started"),
    "event_RoleEnded": ("สิ้นสุดบทบาท", "Role ended"),
    "event_TrainingRecorded": ("บันทึกการอบรม", "Training recorded"),
    "event_OrgLinked": ("เชื่อมกับองค์กร", "Linked to an organization"),
    "event_OrgUnlinked": ("ยกเลิกการเชื่อมกับองค์กร", "Unlinked from an organization"),
    "event_ConsentRecorded": ("บันทึกความยินยอม", "Consent recorded"),
    "event_ConsentWithdrawn": ("ถอนความยินยอม", "Consent withdrawn"),
    "event_ProcessingRestricted": ("ระงับการใช้ข้อมูล", "Processing restricted"),
    "event_RestrictionLifted": ("ยกเลิกการระงับ", "Restriction lifted"),
    "event_PersonMerged": ("รวมเข้ากับรายการอื่น", "Merged into another"),
    "event_PersonAbsorbed": ("รับรายการที่ซ้ำเข้ามารวม", "Absorbed a duplicate"),
    "event_PersonUnmerged": ("ยกเลิกการรวม", "Unmerged"),
    "event_PersonReleased": ("ปล่อยรายการที่เคยรวม", "Released a duplicate"),
    "event_PersonErased": ("ลบข้อมูลส่วนบุคคล", "Personal data erased"),
    "event_RequestReceived": ("รับคำขอของเจ้าของข้อมูล", "Data-subject request received"),
    "event_RequestHandled": ("ดำเนินการตามคำขอ", "Data-subject request handled"),
    # the record of processing (PDPA s.39), generated from catalogue.py
    "processing_title": ("บันทึกรายการกิจกรรมการประมวลผลข้อมูลส่วนบุคคล (มาตรา 39)", "Record of processing activities (PDPA s.39)"),
    "processing_intro": (
        "ทะเบียนบุคคลของเครือข่ายเก็บข้อมูลของวิทยากรกระบวนการ ผู้นำชุมชน พลเมืองจิตอาสา และผู้ปฏิบัติการชุมชนออนไลน์ "
        "หน้านี้สร้างจากบัญชีข้อมูลของทะเบียนโดยตรง จึงตรงกับสิ่งที่ระบบเก็บและแสดงจริงเสมอ",
        "The network's register of people holds data about its process facilitators, community leaders, volunteer "
        "citizens and online community workers. This page is generated from the register's own data catalogue, so it "
        "always says what the system really holds and shows",
    ),
    "processing_controller": (
        "ผู้ควบคุมข้อมูลส่วนบุคคล: เครือข่ายสานพลังและศูนย์ประสานงานทั้ง 82 ศูนย์ ศูนย์ของพื้นที่ที่บุคคลอาศัยอยู่เป็นผู้บันทึกและดูแลข้อมูลของบุคคลนั้น",
        "Data controller: the Sanphalang network and its 82 coordination centers; the center of the area a person "
        "lives in records and looks after that person's data",
    ),
    "processing_bases_title": ("ฐานทางกฎหมาย", "Legal bases"),
    "processing_bases_explain": (
        "ทุกคนในทะเบียนมีฐานทางกฎหมายหนึ่งฐานที่บันทึกไว้กับข้อมูลของเขา ลงทะเบียนไม่ได้หากไม่มีความยินยอมหรือฐานอื่นที่ระบุไว้",
        "Every person in the register has one legal basis recorded with their data; nobody can be registered "
        "without consent or another documented basis",
    ),
    "processing_purposes_title": ("วัตถุประสงค์", "Purposes"),
    "processing_groups_title": ("ข้อมูลที่เก็บ", "What is held"),
    "processing_col_fields": ("ช่องข้อมูล", "Fields"),
    "processing_col_purposes": ("เพื่อ", "For"),
    "processing_col_retention": ("ระยะเวลาเก็บ", "Kept"),
    "processing_col_readers": ("ใครเห็นอย่างไร", "Who sees it, and how"),
    "processing_col_measures": ("มาตรการรักษาความปลอดภัย", "Security measures"),
    "processing_group_names": ("ชื่อ", "Names"),
    "processing_held_names": ("ชื่อ นามสกุล และชื่อภาษาอังกฤษ", "Given name, family name and name in English"),
    "processing_masking_names": (
        "ผู้ตรวจสอบที่ไม่ได้ระบุเหตุผลเห็นเฉพาะอักษรตัวแรกของแต่ละคำ",
        "Auditors who state no reason see only the first letter of each word",
    ),
    "processing_group_national_id": ("เลขประจำตัวประชาชน", "National ID"),
    "processing_held_national_id": (
        "เลขประจำตัวประชาชน 13 หลัก ถ้ามี (รวมเลขที่ขึ้นต้นด้วย 0 ของผู้ไม่มีสัญชาติไทย)",
        "The 13-digit national ID, if any (including the 0-prefixed numbers of people without Thai nationality)",
    ),
    "processing_masking_national_id": (
        "ไม่แสดงเต็มแก่ผู้ใดในระบบ เห็นได้เพียง 4 หลักสุดท้าย เจ้าของข้อมูลได้รับเลขเต็มในรายงานข้อมูลของตนเท่านั้น",
        "Never shown whole to anyone in the system, only its last four digits; the person gets it whole in their "
        "own access report",
    ),
    "processing_group_contact": ("ช่องทางติดต่อ", "Contact"),
    "processing_held_contact": ("โทรศัพท์ (รูปแบบ E.164) อีเมล และไลน์ไอดี", "Phone (as E.164), e-mail and LINE id"),
    "processing_masking_contact": (
        "โทรศัพท์เห็นเพียง 4 หลักสุดท้าย อีเมลและไลน์ไอดีเห็นเพียงอักษรตัวแรก",
        "The phone shows only its last four digits; e-mail and LINE id only their first letter",
    ),
    "processing_group_private": ("ที่อยู่และข้อมูลส่วนตัวอื่น", "Address and other private details"),
    "processing_held_private": ("ที่อยู่ ปีเกิด และหมายเหตุเกี่ยวกับบุคคล", "Address, year of birth and notes about the person"),
    "processing_group_home": ("พื้นที่และศูนย์", "Area and center"),
    "processing_held_home": (
        "จังหวัด อำเภอ ตำบลที่อาศัย (รหัสของกรมการปกครอง) และศูนย์ประสานงานของพื้นที่นั้น",
        "Province, district and subdistrict of home (DOPA codes) and the coordination center of that area",
    ),
    "processing_group_capability": ("ศักยภาพและบทบาท", "Capability and roles"),
    "processing_held_capability": (
        "ความเชี่ยวชาญ ภาษา ประสบการณ์ พื้นที่ทำงาน บทบาทในเครือข่าย (พร้อมพื้นที่และวันที่) และการอบรม",
        "Skills, languages, experience, areas of work, roles in the network (with their areas and dates) and trainings",
    ),
    "processing_masking_capability": (
        "เลขที่ใบประกาศการอบรมไม่แสดง", "Training certificate numbers are not shown",
    ),
    "processing_group_affiliations": ("การสังกัดองค์กร", "Organizations"),
    "processing_held_affiliations": (
        "รหัสองค์กรชุมชนที่สังกัดและบทบาทในองค์กร (ชื่อองค์กรอ่านจากทะเบียนองค์กร ไม่คัดลอกเก็บ)",
        "Ids of the community organizations the person belongs to and their role there (the names are read from "
        "the organization register, never copied)",
    ),
    "processing_group_consent": ("ฐานทางกฎหมายและความยินยอม", "Legal basis and consent"),
    "processing_held_consent": (
        "ฐานทางกฎหมาย และความยินยอมแต่ละครั้ง: วัตถุประสงค์ ฉบับของประกาศ วันที่ ช่องทาง ผู้บันทึก พยาน วันหมดอายุ การถอน",
        "The legal basis, and each consent: purposes, notice version, date, channel, who recorded it, witness, "
        "expiry, withdrawal",
    ),
    "processing_masking_consent": ("ชื่อพยานไม่แสดง", "The witness's name is not shown"),
    "processing_group_requests": ("คำขอของเจ้าของข้อมูล", "Data-subject requests"),
    "processing_held_requests": (
        "สิทธิที่ขอ ช่องทาง วันที่รับ กำหนดเสร็จ ผลและเหตุผลการปฏิเสธ ผู้รับและผู้ดำเนินการ และบันทึกประกอบ",
        "The right asked for, channel, date received, due date, outcome and ground of a refusal, who received and "
        "handled it, and a note",
    ),
    "processing_group_reads": ("บันทึกการเปิดดูข้อมูลเต็ม", "Full-record reads"),
    "processing_held_reads": (
        "ใครเปิดดูข้อมูลเต็มของบุคคล เมื่อใด และด้วยเหตุผลใด (ไม่มีข้อมูลส่วนบุคคลในบันทึก)",
        "Who read a person's full record, when and why (no personal value in the record)",
    ),
    "processing_reader_own_center": ("เจ้าหน้าที่ศูนย์ของบุคคลนั้น", "Staff of the person's own center"),
    "processing_reader_other_center": ("เจ้าหน้าที่ศูนย์อื่น", "Staff of other centers"),
    "processing_reader_auditor": ("ผู้ตรวจสอบ", "Auditors"),
    "processing_reader_auditor_reason": ("ผู้ตรวจสอบที่ระบุเหตุผล (บันทึกไว้)", "Auditors who state a reason (recorded)"),
    "processing_reader_admin": ("ผู้ดูแลระบบส่วนกลาง", "Central admins"),
    "processing_reader_person": ("เจ้าของข้อมูล (รายงานตามมาตรา 30-31)", "The person (access report, s.30-31)"),
    "processing_reader_reporting": ("ระบบรายงานตัวชี้วัด", "Indicator reporting"),
    "processing_reader_public": ("บุคคลทั่วไป", "The public"),
    "processing_seen_full": ("เห็นเต็ม", "in full"),
    "processing_seen_masked": ("เห็นแบบปิดบังบางส่วน", "masked"),
    "processing_seen_hidden": ("ไม่เห็น", "not shown"),
    "processing_seen_clear": ("เห็นตามที่บันทึก", "as recorded"),
    "processing_seen_counted": ("เห็นเพียงจำนวนรวมในตัวชี้วัด", "counted in the indicators only"),
    "processing_seen_none": ("ไม่เห็นเลย", "nothing"),
    "processing_retention_until_erased": (
        "ตราบที่บุคคลยังอยู่ในเครือข่ายและมีฐานทางกฎหมาย เมื่อลบตามคำขอ (มาตรา 33) ค่าในทุกเหตุการณ์ที่ผ่านมาจะอ่านไม่ได้อีกตลอดไป",
        "While the person is in the network and a legal basis remains; once erased on request (s.33) the values in "
        "every past event are unreadable forever",
    ),
    "processing_retention_log_without_identity": (
        "คงอยู่ในบันทึกเหตุการณ์เพื่อการตรวจสอบ หลังการลบจะไม่เชื่อมโยงกับตัวบุคคลได้อีก และไม่ถูกนับในตัวชี้วัดนับจากวันที่ลบ",
        "Kept in the event log for audit; after an erasure it can no longer be tied to the person, and it stops "
        "counting in the indicators from the day of erasure",
    ),
    "processing_retention_audit_record": (
        "เก็บเป็นหลักฐานการปฏิบัติตามกฎหมายตราบที่ทะเบียนยังอยู่ โดยไม่มีข้อมูลส่วนบุคคลที่อ่านได้",
        "Kept as evidence of compliance for as long as the register exists, with no readable personal value",
    ),
    "processing_measures_title": ("มาตรการรักษาความมั่นคงปลอดภัย", "Security measures"),
    "processing_measure_sealed_per_person": (
        "เข้ารหัสทีละช่องด้วย AES-256-GCM ด้วยกุญแจเฉพาะของแต่ละบุคคล ในทุกเหตุการณ์",
        "Encrypted field by field with AES-256-GCM under each person's own key, in every event",
    ),
    "processing_measure_key_store_apart": (
        "กุญแจของแต่ละบุคคลถูกห่อด้วยกุญแจหลัก และเก็บในคลังกุญแจแยกจากฐานข้อมูลเหตุการณ์ สำเนาสำรองของฐานข้อมูลเหตุการณ์จึงไม่มีกุญแจ",
        "Each person's key is wrapped by a master key and kept in a key store apart from the event database, so "
        "backups of the event database hold no key",
    ),
    "processing_measure_blind_indexes": (
        "การค้นหาซ้ำด้วยเลขประจำตัวประชาชนหรือโทรศัพท์ใช้ดัชนีแบบ HMAC ที่มีกุญแจของตนเอง ไม่ใช่ค่าจริง",
        "Duplicates are found by national ID or phone through keyed HMAC indexes, never the values",
    ),
    "processing_measure_masking_by_role": (
        "การปิดบังตามบทบาทตัดสินในบริการข้อมูล ไม่ใช่เพียงบนหน้าเว็บ",
        "Masking by role is decided in the service, not only on the page",
    ),
    "processing_measure_full_read_records": (
        "ทุกครั้งที่มีผู้เปิดดูข้อมูลเต็ม ระบบบันทึกว่าใคร เมื่อใด และเหตุผล",
        "Every read of a full record is recorded: who, when and why",
    ),
    "processing_measure_erasure_ledger": (
        "ทะเบียนการลบเก็บรหัสของผู้ที่ถูกลบ ห้ามสร้างกุญแจใหม่ให้รหัสนั้น และนำมาใช้ซ้ำหลังกู้คืนสำเนาสำรองทุกครั้ง",
        "An erasure ledger keeps the ids of erased people, no new key is ever made for them, and it is re-applied "
        "after every restore of a backup",
    ),
    "processing_measure_secure_delete": (
        "แถวที่ลบถูกเขียนทับในไฟล์ฐานข้อมูล ไม่หลงเหลือให้อ่านได้",
        "Deleted rows are overwritten in the database files, leaving nothing readable",
    ),
    "processing_measure_signed_actors": (
        "ทุกคำขอระบุผู้ขอด้วยลายมือชื่ออิเล็กทรอนิกส์ และบริการตรวจสิทธิ์เองทุกครั้ง",
        "Every call carries a signed statement of who is asking, and the service checks the permission itself",
    ),
    "processing_measure_hash_chain": (
        "ทุกเหตุการณ์ผูกกันด้วยค่าแฮช การแก้ไขหรือลบย้อนหลังจะถูกตรวจพบ",
        "Every event is chained by its hash: a change or removal after the fact is detected",
    ),
    "processing_measure_no_sensitive_data": (
        "ไม่เก็บข้อมูลอ่อนไหวตามมาตรา 26 (ศาสนา สุขภาพ ความพิการ ความคิดเห็นทางการเมือง ประวัติอาชญากรรม ข้อมูลชีวภาพ)",
        "No sensitive data of s.26 is collected (religion, health, disability, political opinions, criminal "
        "records, biometrics)",
    ),
    "processing_recipients_title": ("ผู้รับข้อมูล", "Recipients"),
    "processing_recipients": (
        "ไม่มีการเปิดเผยแก่บุคคลภายนอกหรือส่งไปต่างประเทศ ระบบรายงานได้รับเพียงรหัส พื้นที่ และวันที่ เพื่อนับตัวชี้วัด",
        "Nothing is disclosed to outsiders or sent abroad; reporting receives only codes, places and dates, to "
        "count the indicators",
    ),
    "processing_rights_title": ("สิทธิของเจ้าของข้อมูล", "The person's rights"),
    "processing_rights_explain": (
        "คำขอใช้สิทธิบันทึกเป็นรายการพร้อมกำหนดเสร็จภายใน {days} วัน ผู้ดำเนินการ และผล การปฏิเสธต้องระบุเหตุผล",
        "Each request is recorded with its due date ({days} days), who handled it and the outcome; a refusal "
        "states its ground",
    ),
}
