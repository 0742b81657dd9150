"""Code lists of the people register, with Thai and English labels."""
from __future__ import annotations

# The network's roles (indicators 1, 4, 5 and 6 count the people who hold each)
ROLES: dict[str, tuple[str, str]] = {
    "facilitator": ("วิทยากรกระบวนการ", "Process facilitator"),
    "leader": ("ผู้นำชุมชน", "Community leader"),
    "volunteer": ("พลเมืองจิตอาสา", "Volunteer citizen"),
    "online_worker": ("ผู้ปฏิบัติการชุมชนออนไลน์", "Online community worker"),
}
# the indicator each role feeds (services.contracts.reporting.INDICATORS)
ROLE_INDICATORS = {"online_worker": "online_workers", "facilitator": "facilitators",
                   "leader": "community_leaders", "volunteer": "volunteers"}

SKILLS: dict[str, tuple[str, str]] = {
    "facilitation": ("การจัดกระบวนการ", "Facilitation"),
    "community_finance": ("การเงินชุมชน", "Community finance"),
    "agriculture": ("เกษตรกรรม", "Agriculture"),
    "health": ("สุขภาพ", "Health"),
    "environment": ("สิ่งแวดล้อมและทรัพยากร", "Environment and resources"),
    "media": ("สื่อและการรณรงค์ออนไลน์", "Media and online campaigning"),
    "it_data": ("ไอทีและข้อมูล", "IT and data"),
    "law": ("กฎหมาย", "Law"),
    "education": ("การศึกษา", "Education"),
    "culture": ("ศิลปวัฒนธรรม", "Culture"),
    "disaster_relief": ("การจัดการภัยพิบัติ", "Disaster relief"),
    "welfare": ("สวัสดิการชุมชน", "Community welfare"),
    "enterprise": ("วิสาหกิจและการตลาด", "Enterprise and marketing"),
    "elderly_care": ("การดูแลผู้สูงอายุ", "Elderly care"),
    "youth": ("งานเยาวชน", "Youth work"),
    "other": ("อื่นๆ", "Other"),
}

LANGUAGES: dict[str, tuple[str, str]] = {
    "th": ("ไทย", "Thai"),
    "isan": ("อีสาน", "Isan"),
    "northern": ("คำเมือง (ไทยถิ่นเหนือ)", "Northern Thai"),
    "southern": ("ไทยถิ่นใต้", "Southern Thai"),
    "malay": ("มลายู", "Malay"),
    "khmer": ("เขมรถิ่นไทย", "Northern Khmer"),
    "karen": ("กะเหรี่ยง", "Karen"),
    "hmong": ("ม้ง", "Hmong"),
    "akha": ("อาข่า", "Akha"),
    "lahu": ("ลาหู่", "Lahu"),
    "lisu": ("ลีซู", "Lisu"),
    "mien": ("เมี่ยน", "Mien"),
    "en": ("อังกฤษ", "English"),
    "zh": ("จีน", "Chinese"),
    "my": ("พม่า", "Burmese"),
    "other": ("อื่นๆ", "Other"),
}

# Why the register may hold a person's data (PDPA s.19, s.24)
LEGAL_BASES: dict[str, tuple[str, str]] = {
    "consent": ("ความยินยอม (มาตรา 19)", "Consent (s.19)"),
    "contract": ("การปฏิบัติตามสัญญา (มาตรา 24(3))", "Contract (s.24(3))"),
    "legitimate_interest": ("ประโยชน์โดยชอบด้วยกฎหมาย (มาตรา 24(5))", "Legitimate interest (s.24(5))"),
    "public_task": ("ภารกิจเพื่อประโยชน์สาธารณะ (มาตรา 24(4))", "Public task (s.24(4))"),
    "legal_obligation": ("หน้าที่ตามกฎหมาย (มาตรา 24(6))", "Legal obligation (s.24(6))"),
}

CONSENT_PURPOSES: dict[str, tuple[str, str]] = {
    "network_register": ("ทะเบียนเครือข่ายและการประสานงาน", "The network's register and coordination"),
    "capability": ("ฐานข้อมูลศักยภาพและการพัฒนาศักยภาพ", "Capability data and training"),
    "contact": ("การติดต่อเพื่อกิจกรรมของเครือข่าย", "Contact about the network's activities"),
    "publication": ("การเผยแพร่ชื่อในเอกสารของเครือข่าย", "Naming in the network's publications"),
}

CONSENT_CHANNELS: dict[str, tuple[str, str]] = {
    "paper": ("แบบฟอร์มกระดาษ", "Paper form"),
    "online": ("แบบฟอร์มออนไลน์", "Online form"),
    "verbal": ("วาจา มีพยาน", "Verbal, with a witness"),
}

# Data-subject requests (PDPA s.30-36)
RIGHTS: dict[str, tuple[str, str]] = {
    "access": ("ขอเข้าถึงและขอรับสำเนา (มาตรา 30)", "Access and copy (s.30)"),
    "portability": ("ขอให้โอนข้อมูล (มาตรา 31)", "Portability (s.31)"),
    "objection": ("คัดค้านการประมวลผล (มาตรา 32)", "Objection (s.32)"),
    "erasure": ("ขอให้ลบหรือทำลาย (มาตรา 33)", "Erasure (s.33)"),
    "restriction": ("ขอให้ระงับการใช้ (มาตรา 34)", "Restriction (s.34)"),
    "correction": ("ขอให้แก้ไขให้ถูกต้อง (มาตรา 35-36)", "Correction (s.35-36)"),
}
REQUEST_CHANNELS: dict[str, tuple[str, str]] = {
    "in_person": ("มาด้วยตนเอง", "In person"),
    "paper": ("หนังสือ", "Letter"),
    "email": ("อีเมล", "E-mail"),
    "phone": ("โทรศัพท์", "Phone"),
    "online": ("ออนไลน์", "Online"),
}
OUTCOMES: dict[str, tuple[str, str]] = {
    "done": ("ดำเนินการแล้ว", "Done"),
    "refused": ("ปฏิเสธ", "Refused"),
}
REFUSAL_GROUNDS: dict[str, tuple[str, str]] = {
    "identity_not_verified": ("ยืนยันตัวตนผู้ขอไม่ได้", "The requester's identity could not be verified"),
    "legal_obligation": ("ต้องเก็บไว้ตามกฎหมาย", "Kept under a legal obligation"),
    "legal_claims": ("ใช้เพื่อการก่อตั้งหรือใช้สิทธิเรียกร้องตามกฎหมาย", "Needed for legal claims"),
    "rights_of_others": ("กระทบสิทธิและเสรีภาพของบุคคลอื่น", "Would harm others' rights and freedoms"),
    "public_task": ("จำเป็นต่อภารกิจเพื่อประโยชน์สาธารณะ", "Needed for a public task"),
    "manifestly_unfounded": ("คำขอไม่มีเหตุอันสมควร", "Manifestly unfounded"),
}
# Why a person's data is restricted (stored only)
RESTRICTION_GROUNDS: dict[str, tuple[str, str]] = {
    "restriction": ("เจ้าของข้อมูลขอให้ระงับการใช้", "The person asked for restriction"),
    "objection": ("เจ้าของข้อมูลคัดค้าน", "The person objected"),
    "consent_withdrawn": ("ถอนความยินยอม", "Consent withdrawn"),
}

ORG_ROLES: dict[str, tuple[str, str]] = {
    "member": ("สมาชิก", "Member"),
    "committee": ("กรรมการ", "Committee member"),
    "chair": ("ประธาน", "Chair"),
    "coordinator": ("ผู้ประสานงาน", "Coordinator"),
    "advisor": ("ที่ปรึกษา", "Advisor"),
}

STATUSES: dict[str, tuple[str, str]] = {
    "active": ("ใช้งาน", "Active"),
    "merged": ("รวมกับรายการอื่นแล้ว", "Merged"),
    "erased": ("ลบแล้ว", "Erased"),
}

CODE_LISTS = {
    "roles": ROLES, "skills": SKILLS, "languages": LANGUAGES, "legal_bases": LEGAL_BASES,
    "consent_purposes": CONSENT_PURPOSES, "consent_channels": CONSENT_CHANNELS, "rights": RIGHTS,
    "request_channels": REQUEST_CHANNELS, "outcomes": OUTCOMES, "refusal_grounds": REFUSAL_GROUNDS,
    "restriction_grounds": RESTRICTION_GROUNDS, "org_roles": ORG_ROLES, "statuses": STATUSES,
}
