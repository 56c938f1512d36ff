"""Iraq's 18 governorates, ISO 3166-2:IQ (see docs/adr/0005-governorates.md on Halabja)."""

# code, Arabic, Sorani, English, Kurdistan Region
GOVERNORATES = [
    ("IQ-AN", "الأنبار", "ئەنبار", "Al Anbar", False),
    ("IQ-AR", "أربيل", "هەولێر", "Erbil", True),
    ("IQ-BA", "البصرة", "بەسرە", "Al Basrah", False),
    ("IQ-BB", "بابل", "بابل", "Babil", False),
    ("IQ-BG", "بغداد", "بەغدا", "Baghdad", False),
    ("IQ-DA", "دهوك", "دهۆک", "Duhok", True),
    ("IQ-DI", "ديالى", "دیالە", "Diyala", False),
    ("IQ-DQ", "ذي قار", "زیقار", "Dhi Qar", False),
    ("IQ-KA", "كربلاء", "کەربەلا", "Karbala", False),
    ("IQ-KI", "كركوك", "کەرکووک", "Kirkuk", False),
    ("IQ-MA", "ميسان", "مەیسان", "Maysan", False),
    ("IQ-MU", "المثنى", "موسەننا", "Al Muthanna", False),
    ("IQ-NA", "النجف", "نەجەف", "An Najaf", False),
    ("IQ-NI", "نينوى", "نەینەوا", "Ninawa", False),
    ("IQ-QA", "القادسية", "قادسیە", "Al Qadisiyah", False),
    ("IQ-SD", "صلاح الدين", "سەلاحەدین", "Salah ad Din", False),
    ("IQ-SU", "السليمانية", "سلێمانی", "As Sulaymaniyah", True),
    ("IQ-WA", "واسط", "واست", "Wasit", False),
]
