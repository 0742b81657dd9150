"""The texts of the knowledge register: its own problems, its events' names, and the labels
of its fields. Thai first, then English."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # problems
    "item_other_center": (
        "เรื่องนี้เป็นของศูนย์อื่น ({center}) คุณแก้ไขได้เฉพาะเรื่องของศูนย์ตนเอง",
        "This item belongs to another center ({center}); you may only change your own center's items",
    ),
    "campaign_other_center": (
        "ประเด็นรณรงค์นี้เป็นของศูนย์อื่น ({center}) คุณแก้ไขได้เฉพาะของศูนย์ตนเอง",
        "This campaign belongs to another center ({center}); you may only change your own center's campaigns",
    ),
    "knowledge_unknown_center": ("ไม่พบศูนย์ประสานงานรหัสนี้", "No coordination center has this code"),
    "knowledge_center_required": ("ต้องระบุศูนย์ประสานงาน", "Name the coordination center"),
    "step_needs_draft": ("ส่งตรวจได้เฉพาะเรื่องที่เป็นฉบับร่าง", "Only a draft can be submitted for review"),
    "step_needs_in_review": (
        "เผยแพร่หรือส่งกลับได้เฉพาะเรื่องที่รอตรวจ", "Only an item in review can be published or returned"),
    "step_needs_published": ("จัดเก็บได้เฉพาะเรื่องที่เผยแพร่แล้ว", "Only a published item can be archived"),
    "step_needs_archived": ("นำกลับมาเผยแพร่ได้เฉพาะเรื่องที่จัดเก็บแล้ว", "Only an archived item can be restored"),
    "not_editable": (
        "เรื่องที่รอตรวจหรือจัดเก็บแล้วแก้ไขไม่ได้ (ให้ผู้ตรวจส่งกลับหรือนำกลับมาเผยแพร่ก่อน)",
        "An item in review or archived cannot be edited (the reviewer returns or restores it first)",
    ),
    "campaign_archived": ("ประเด็นรณรงค์นี้ถูกจัดเก็บแล้ว", "This campaign has been archived"),
    "campaign_not_archived": ("ประเด็นรณรงค์นี้ไม่ได้ถูกจัดเก็บ", "This campaign is not archived"),
    "unknown_person": (
        "ไม่พบบุคคลรหัส {id} ในทะเบียนบุคคล",
        "No person with id {id} is in the people register",
    ),
    "people_unavailable": (
        "ตรวจสอบรายชื่อบุคคลไม่ได้ในขณะนี้ ลองใหม่อีกครั้ง",
        "The people register cannot be asked right now; try again",
    ),
    "ends_before_start": ("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม", "The end date may not be before the start date"),
    "result_empty": (
        "บันทึกผลอย่างน้อยหนึ่งอย่าง: การเข้าถึง ผู้เข้าร่วม จำนวนผลลัพธ์ หรือคำอธิบายผล",
        "Record at least one result: reach, participants, outcomes counted or what came of it",
    ),
    "file_empty": ("ไฟล์ว่างเปล่า", "The file is empty"),
    "attachment_too_large": ("ไฟล์ใหญ่เกินไป (ไม่เกิน {max_mb} MB)", "The file is too large (at most {max_mb} MB)"),
    "file_type_refused": (
        "รับเฉพาะไฟล์ PDF รูปภาพ (PNG JPEG GIF WebP) และเอกสารสำนักงาน (Word Excel PowerPoint OpenDocument)",
        "Only PDF, images (PNG, JPEG, GIF, WebP) and office documents (Word, Excel, PowerPoint, OpenDocument) are taken",
    ),
    "file_not_what_named": (
        "เนื้อไฟล์ไม่ตรงกับชนิดตามชื่อไฟล์ ({name}) ระบบจึงไม่รับ",
        "The file's contents are not what its name ({name}) says it is, so it is refused",
    ),
    "file_not_base64": ("ข้อมูลไฟล์อ่านไม่ได้ (ต้องเป็น base64)", "The file's bytes cannot be read (base64 expected)"),
    "too_many_attachments": ("แนบไฟล์ได้ไม่เกิน {max} ไฟล์ต่อเรื่อง", "At most {max} files per item"),
    "attachment_unknown": ("เรื่องนี้ไม่มีไฟล์แนบนี้", "This item has no such attachment"),
    "duplicate_in_batch": ("รายการนี้ซ้ำกับแถวก่อนหน้าในชุดเดียวกัน", "This record is already in an earlier row of the batch"),
    "attachment_exists": ("แนบไฟล์นี้ไว้แล้ว", "This file is attached already"),
    # events
    "event_ItemDrafted": ("สร้างฉบับร่าง", "Drafted"),
    "event_ItemRevised": ("แก้ไขเนื้อหา", "Revised"),
    "event_ItemSubmitted": ("ส่งตรวจ", "Submitted for review"),
    "event_ItemReturned": ("ส่งกลับให้แก้ไข", "Returned for changes"),
    "event_ItemPublished": ("เผยแพร่", "Published"),
    "event_ItemArchived": ("จัดเก็บ", "Archived"),
    "event_ItemRestored": ("นำกลับมาเผยแพร่", "Restored"),
    "event_AttachmentAdded": ("แนบไฟล์", "File attached"),
    "event_AttachmentRemoved": ("นำไฟล์แนบออก", "File removed"),
    "event_CampaignRegistered": ("บันทึกประเด็นรณรงค์", "Campaign registered"),
    "event_CampaignAmended": ("แก้ไขประเด็นรณรงค์", "Campaign amended"),
    "event_CampaignStatusChanged": ("เปลี่ยนสถานะการรณรงค์", "Campaign status changed"),
    "event_CampaignResultRecorded": ("บันทึกผลการรณรงค์", "Result recorded"),
    "event_CampaignArchived": ("จัดเก็บประเด็นรณรงค์", "Campaign archived"),
    "event_CampaignRestored": ("นำประเด็นรณรงค์กลับมา", "Campaign restored"),
    # fields
    "field_title": ("ชื่อเรื่อง", "Title"),
    "field_summary": ("บทคัดย่อ", "Summary"),
    "field_body": ("เนื้อหา", "Body"),
    "field_category": ("หมวด", "Category"),
    "field_kind": ("ประเภท", "Kind"),
    "field_tags": ("แท็ก", "Tags"),
    "field_sources": ("แหล่งที่มาและลิงก์", "Sources and links"),
    "field_language": ("ภาษา", "Language"),
    "field_year": ("ปี", "Year"),
    "field_orgs": ("องค์กรที่เกี่ยวข้อง", "Related organizations"),
    "field_people": ("บุคคลที่เกี่ยวข้อง", "Related people"),
    "field_attachments": ("ไฟล์แนบ", "Attachments"),
    "field_problem": ("สภาพปัญหา", "Problem"),
    "field_goal": ("เป้าหมาย", "Goal"),
    "field_channels": ("ช่องทาง", "Channels"),
    "field_starts_on": ("วันเริ่ม", "Starts on"),
    "field_ends_on": ("วันสิ้นสุด", "Ends on"),
    "field_workers": ("ผู้ปฏิบัติการออนไลน์", "Online workers"),
    "field_results": ("ผลการรณรงค์", "Results"),
    "field_reach": ("การเข้าถึง (คน)", "Reach (people)"),
    "field_participants": ("ผู้เข้าร่วม (คน)", "Participants"),
    "field_outcome_count": ("จำนวนผลลัพธ์", "Outcomes counted"),
    "field_outcome": ("ผลที่เกิดขึ้น", "What came of it"),
    "field_note": ("บันทึกของผู้ตรวจ", "Reviewer's note"),
    "field_revision": ("ฉบับที่", "Revision"),
    # the demo: sanphalang demo --knowledge N --campaigns M
    "knowledge_demo_drafting": ("กำลังบันทึกเรื่องความรู้ตัวอย่าง", "Drafting demo knowledge items"),
    "knowledge_demo_publishing": ("กำลังเผยแพร่เรื่องความรู้ตัวอย่าง", "Publishing demo knowledge items"),
    "knowledge_demo_done": (
        "บันทึกเรื่องความรู้ตัวอย่าง {count} เรื่อง (เผยแพร่ {published} จัดเก็บ {archived} รอตรวจ {in_review} "
        "ฉบับร่าง {drafts}) ใน {seconds} วินาที",
        "Loaded {count} demo knowledge items ({published} published, {archived} archived, {in_review} in review, "
        "{drafts} drafts) in {seconds} s",
    ),
    "knowledge_demo_campaigns": ("กำลังบันทึกประเด็นรณรงค์ตัวอย่าง", "Registering demo campaigns"),
    "knowledge_demo_results": ("กำลังบันทึกผลการรณรงค์ตัวอย่าง", "Recording the demo campaigns' results"),
    "knowledge_demo_campaigns_done": (
        "บันทึกประเด็นรณรงค์ตัวอย่าง {count} ประเด็น และผลการรณรงค์ {results} ครั้ง ใน {seconds} วินาที",
        "Registered {count} demo campaigns and {results} results in {seconds} s",
    ),
}
