"""UN International Classification of Crime for Statistical Purposes (ICCS), version 1.0.

Source: UNODC, "International Classification of Crime for Statistical Purposes (ICCS), Version 1.0",
Vienna, March 2015 (English edition; an official Arabic edition is published by UNODC).
Included (docs/adr/0009-iccs.md): every level-1 section (01–11) and every level-2 division, plus
level-3/4 detail for the areas Dalil's investigators code most: drugs (06), trafficking in persons
(0204), corruption (0703), proceeds of crime and money laundering (0704), smuggling of migrants
(0805), organised crime (0905) and terrorism (0906).

The codes and labels were written from the published classification and MUST be checked against
the official PDF before production use; the Arabic labels are faithful translations, to be aligned
word for word with the official Arabic edition. Level follows the code length (2, 4, 5, 6 digits)
and the parent is the code's prefix, so both are derived, not typed.
"""

from __future__ import annotations

# (code, English label, Arabic label)
ICCS: list[tuple[str, str, str]] = [
    # 01 ---------------------------------------------------------------------------------------
    (
        "01",
        "Acts leading to death or intending to cause death",
        "أفعال تؤدي إلى الوفاة أو يقصد بها التسبب في الوفاة",
    ),
    ("0101", "Intentional homicide", "القتل العمد"),
    ("0102", "Attempted intentional homicide", "الشروع في القتل العمد"),
    ("0103", "Non-intentional homicide", "القتل غير العمد"),
    ("0104", "Assisting or instigating suicide", "المساعدة على الانتحار أو التحريض عليه"),
    ("0105", "Euthanasia", "القتل الرحيم"),
    ("0106", "Illegal feticide", "قتل الجنين بصورة غير مشروعة"),
    (
        "0107",
        "Unlawful killing associated with armed conflict",
        "القتل غير المشروع المرتبط بالنزاع المسلح",
    ),
    (
        "0109",
        "Other acts leading to death or intending to cause death",
        "أفعال أخرى تؤدي إلى الوفاة أو يقصد بها التسبب في الوفاة",
    ),
    # 02 ---------------------------------------------------------------------------------------
    (
        "02",
        "Acts causing harm or intending to cause harm to the person",
        "أفعال تسبب الأذى للشخص أو يقصد بها إلحاق الأذى به",
    ),
    ("0201", "Assaults and threats", "الاعتداءات والتهديدات"),
    ("0202", "Acts against liberty", "الأفعال الماسة بالحرية"),
    ("0203", "Slavery and exploitation", "الاسترقاق والاستغلال"),
    ("0204", "Trafficking in persons", "الاتجار بالأشخاص"),
    (
        "02041",
        "Trafficking in persons for sexual exploitation",
        "الاتجار بالأشخاص لغرض الاستغلال الجنسي",
    ),
    (
        "02042",
        "Trafficking in persons for forced labour or services",
        "الاتجار بالأشخاص لغرض السخرة أو الخدمة القسرية",
    ),
    ("02043", "Trafficking in persons for organ removal", "الاتجار بالأشخاص لغرض نزع الأعضاء"),
    ("02044", "Trafficking in persons for other purposes", "الاتجار بالأشخاص لأغراض أخرى"),
    ("0205", "Coercion", "الإكراه"),
    ("0206", "Negligence", "الإهمال"),
    ("0207", "Dangerous acts", "الأفعال الخطرة"),
    (
        "0208",
        "Acts intended to induce fear or emotional distress",
        "أفعال يقصد بها إثارة الخوف أو الضيق النفسي",
    ),
    ("0209", "Defamation or insult", "القذف أو السب"),
    ("0210", "Discrimination", "التمييز"),
    ("0211", "Acts that trespass against the person", "أفعال التعدي على الشخص"),
    (
        "0219",
        "Other acts causing harm or intending to cause harm to the person",
        "أفعال أخرى تسبب الأذى للشخص أو يقصد بها إلحاق الأذى به",
    ),
    # 03 ---------------------------------------------------------------------------------------
    ("03", "Injurious acts of a sexual nature", "أفعال ضارة ذات طابع جنسي"),
    ("0301", "Sexual violence", "العنف الجنسي"),
    ("0302", "Sexual exploitation", "الاستغلال الجنسي"),
    ("0309", "Other injurious acts of a sexual nature", "أفعال ضارة أخرى ذات طابع جنسي"),
    # 04 ---------------------------------------------------------------------------------------
    (
        "04",
        "Acts against property involving violence or threat against a person",
        "أفعال ضد الممتلكات تنطوي على عنف أو تهديد ضد شخص",
    ),
    ("0401", "Robbery", "السلب"),
    (
        "0409",
        "Other acts against property involving violence or threat against a person",
        "أفعال أخرى ضد الممتلكات تنطوي على عنف أو تهديد ضد شخص",
    ),
    # 05 ---------------------------------------------------------------------------------------
    ("05", "Acts against property only", "أفعال ضد الممتلكات فقط"),
    ("0501", "Burglary", "السرقة بالكسر أو الدخول غير المشروع"),
    ("0502", "Theft", "السرقة"),
    ("0503", "Intellectual property offences", "جرائم الملكية الفكرية"),
    ("0504", "Property damage", "الإضرار بالممتلكات"),
    ("0509", "Other acts against property only", "أفعال أخرى ضد الممتلكات فقط"),
    # 06 ---------------------------------------------------------------------------------------
    (
        "06",
        "Acts involving controlled drugs or other psychoactive substances",
        "أفعال تنطوي على المخدرات الخاضعة للمراقبة أو غيرها من المؤثرات العقلية",
    ),
    (
        "0601",
        "Unlawful acts involving controlled drugs or precursors",
        "أفعال غير مشروعة تنطوي على المخدرات الخاضعة للمراقبة أو السلائف",
    ),
    (
        "06011",
        "Unlawful possession, purchase, use, cultivation or production of controlled drugs for personal consumption",
        "حيازة المخدرات الخاضعة للمراقبة أو شراؤها أو تعاطيها أو زراعتها أو إنتاجها بصورة غير مشروعة للاستهلاك الشخصي",
    ),
    (
        "060111",
        "Unlawful possession, purchase or use of controlled drugs for personal consumption",
        "حيازة المخدرات الخاضعة للمراقبة أو شراؤها أو تعاطيها بصورة غير مشروعة للاستهلاك الشخصي",
    ),
    (
        "060112",
        "Unlawful cultivation or production of controlled drugs for personal consumption",
        "زراعة المخدرات الخاضعة للمراقبة أو إنتاجها بصورة غير مشروعة للاستهلاك الشخصي",
    ),
    (
        "06012",
        "Unlawful trafficking, cultivation or production of controlled drugs or precursors not for personal consumption",
        "الاتجار بالمخدرات الخاضعة للمراقبة أو السلائف أو زراعتها أو إنتاجها بصورة غير مشروعة لغير الاستهلاك الشخصي",
    ),
    (
        "060121",
        "Unlawful trafficking of controlled drugs",
        "الاتجار غير المشروع بالمخدرات الخاضعة للمراقبة",
    ),
    (
        "060122",
        "Unlawful manufacture of controlled drugs",
        "صنع المخدرات الخاضعة للمراقبة بصورة غير مشروعة",
    ),
    (
        "06019",
        "Other unlawful acts involving controlled drugs or precursors",
        "أفعال غير مشروعة أخرى تنطوي على المخدرات الخاضعة للمراقبة أو السلائف",
    ),
    (
        "0602",
        "Unlawful acts involving alcohol, tobacco or other controlled substances",
        "أفعال غير مشروعة تنطوي على الكحول أو التبغ أو غيرها من المواد الخاضعة للمراقبة",
    ),
    (
        "06021",
        "Unlawful acts involving alcohol products",
        "أفعال غير مشروعة تنطوي على المشروبات الكحولية",
    ),
    (
        "06022",
        "Unlawful acts involving tobacco products",
        "أفعال غير مشروعة تنطوي على منتجات التبغ",
    ),
    (
        "06029",
        "Other unlawful acts involving alcohol, tobacco or other controlled substances",
        "أفعال غير مشروعة أخرى تنطوي على الكحول أو التبغ أو غيرها من المواد الخاضعة للمراقبة",
    ),
    (
        "0609",
        "Other acts involving controlled drugs or other psychoactive substances",
        "أفعال أخرى تنطوي على المخدرات الخاضعة للمراقبة أو غيرها من المؤثرات العقلية",
    ),
    # 07 ---------------------------------------------------------------------------------------
    (
        "07",
        "Acts involving fraud, deception or corruption",
        "أفعال تنطوي على الاحتيال أو الخداع أو الفساد",
    ),
    ("0701", "Fraud", "الاحتيال"),
    ("0702", "Forgery/counterfeiting", "التزوير والتزييف"),
    ("0703", "Corruption", "الفساد"),
    ("07031", "Bribery", "الرشوة"),
    ("070311", "Active bribery", "الرشوة الإيجابية (عرض الرشوة أو منحها)"),
    ("070312", "Passive bribery", "الرشوة السلبية (طلب الرشوة أو قبولها)"),
    ("07032", "Embezzlement", "الاختلاس"),
    ("07033", "Abuse of functions", "إساءة استغلال الوظائف"),
    ("07034", "Trading in influence", "المتاجرة بالنفوذ"),
    ("07035", "Illicit enrichment", "الإثراء غير المشروع"),
    ("07039", "Other acts of corruption", "أفعال فساد أخرى"),
    ("0704", "Acts involving proceeds of crime", "أفعال تنطوي على عائدات الجريمة"),
    ("07041", "Money laundering", "غسل الأموال"),
    (
        "07042",
        "Illicit trafficking in cultural property",
        "الاتجار غير المشروع بالممتلكات الثقافية",
    ),
    ("07049", "Other acts involving proceeds of crime", "أفعال أخرى تنطوي على عائدات الجريمة"),
    (
        "0709",
        "Other acts involving fraud, deception or corruption",
        "أفعال أخرى تنطوي على الاحتيال أو الخداع أو الفساد",
    ),
    # 08 ---------------------------------------------------------------------------------------
    (
        "08",
        "Acts against public order, authority and provisions of the State",
        "أفعال ضد النظام العام وسلطة الدولة وأحكامها",
    ),
    (
        "0801",
        "Acts against public order behavioural standards",
        "أفعال مخالفة لمعايير السلوك في النظام العام",
    ),
    (
        "0802",
        "Acts against public order sexual standards",
        "أفعال مخالفة للمعايير الجنسية في النظام العام",
    ),
    (
        "0803",
        "Acts related to freedom of expression or control of expression",
        "أفعال متصلة بحرية التعبير أو بالرقابة على التعبير",
    ),
    (
        "0804",
        "Acts contrary to public revenue or regulatory provisions",
        "أفعال مخالفة لأحكام الإيرادات العامة أو للأحكام التنظيمية",
    ),
    ("0805", "Acts related to migration", "أفعال متصلة بالهجرة"),
    ("08051", "Smuggling of migrants", "تهريب المهاجرين"),
    ("08059", "Other unlawful acts related to migration", "أفعال غير مشروعة أخرى متصلة بالهجرة"),
    ("0806", "Acts against the justice system", "أفعال ضد نظام العدالة"),
    ("0807", "Acts related to democratic elections", "أفعال متصلة بالانتخابات الديمقراطية"),
    ("0808", "Acts contrary to labour law", "أفعال مخالفة لقانون العمل"),
    (
        "0809",
        "Other acts against public order, authority and provisions of the State",
        "أفعال أخرى ضد النظام العام وسلطة الدولة وأحكامها",
    ),
    # 09 ---------------------------------------------------------------------------------------
    ("09", "Acts against public safety and state security", "أفعال ضد السلامة العامة وأمن الدولة"),
    (
        "0901",
        "Acts involving weapons, explosives and other destructive materials",
        "أفعال تنطوي على الأسلحة والمتفجرات وغيرها من المواد المدمرة",
    ),
    ("0902", "Acts against health and safety", "أفعال ضد الصحة والسلامة"),
    ("0903", "Acts against computer systems", "أفعال ضد النظم الحاسوبية"),
    ("0904", "Acts against state security", "أفعال ضد أمن الدولة"),
    ("0905", "Acts related to an organized criminal group", "أفعال متصلة بجماعة إجرامية منظمة"),
    ("09051", "Participation in an organized criminal group", "المشاركة في جماعة إجرامية منظمة"),
    (
        "09059",
        "Other acts related to an organized criminal group",
        "أفعال أخرى متصلة بجماعة إجرامية منظمة",
    ),
    ("0906", "Terrorism", "الإرهاب"),
    ("09061", "Participation in a terrorist group", "المشاركة في جماعة إرهابية"),
    ("09062", "Financing of terrorism", "تمويل الإرهاب"),
    ("09069", "Other acts related to terrorism", "أفعال أخرى متصلة بالإرهاب"),
    ("0907", "Traffic offences", "مخالفات المرور"),
    (
        "0909",
        "Other acts against public safety and state security",
        "أفعال أخرى ضد السلامة العامة وأمن الدولة",
    ),
    # 10 ---------------------------------------------------------------------------------------
    ("10", "Acts against the natural environment", "أفعال ضد البيئة الطبيعية"),
    (
        "1001",
        "Acts that cause environmental pollution or degradation",
        "أفعال تسبب تلوث البيئة أو تدهورها",
    ),
    (
        "1002",
        "Acts involving the movement or dumping of waste",
        "أفعال تنطوي على نقل النفايات أو إلقائها",
    ),
    (
        "1003",
        "Trade or possession of protected or prohibited species of fauna and flora",
        "الاتجار بأنواع الحيوانات والنباتات المحمية أو المحظورة أو حيازتها",
    ),
    (
        "1004",
        "Acts that result in the depletion or degradation of natural resources",
        "أفعال تؤدي إلى استنزاف الموارد الطبيعية أو تدهورها",
    ),
    ("1009", "Other acts against the natural environment", "أفعال أخرى ضد البيئة الطبيعية"),
    # 11 ---------------------------------------------------------------------------------------
    (
        "11",
        "Other criminal acts not elsewhere classified",
        "أفعال إجرامية أخرى غير مصنفة في موضع آخر",
    ),
    ("1101", "Acts under universal jurisdiction", "أفعال خاضعة للولاية القضائية العالمية"),
    (
        "1102",
        "Acts contrary to youth regulations and acts against minors",
        "أفعال مخالفة للأنظمة الخاصة بالأحداث وأفعال ضد القاصرين",
    ),
    (
        "1109",
        "Other criminal acts not elsewhere classified",
        "أفعال إجرامية أخرى غير مصنفة في موضع آخر",
    ),
]

# What each code was checked against (docs/adr/0009-iccs.md, issue #10). A code not named below
# was written from the published classification and is still to be checked against the PDF.
SOURCE_WRITTEN = (
    "UNODC, ICCS version 1.0 (March 2015): written from the published classification; "
    "to be checked against the official PDF"
)
SOURCE_CONFIRMED = (
    "UNODC, ICCS version 1.0 (March 2015): code and label confirmed against copies of the "
    "code list (review of December 2026)"
)
SOURCE_CROSS_CHECKED = (
    "UNODC, ICCS version 1.0 (March 2015): code cross-checked against the OAS glossary, which "
    "cites ICCS pp. 78 and 87-88"
)
SOURCE_RENUMBERED = (
    "UNODC, ICCS version 1.0 (March 2015): renumbered in the review of December 2026 to ICCS's "
    "scheme (an 'other' division ends in 9; alcohol and tobacco are division 0602); to be "
    "confirmed against the official PDF"
)
SOURCES = {
    **dict.fromkeys(["0109", "0219", "02044"], SOURCE_CONFIRMED),
    **dict.fromkeys(["08051", "09061"], SOURCE_CROSS_CHECKED),
    **dict.fromkeys(["0909", "0602", "06021", "06022", "06029"], SOURCE_RENUMBERED),
}
# Codes of earlier versions of this table and the code that replaces each (the migration
# `cases/0006_iccs_corrections` moves every offence coded with one, with a ledger entry each).
REPLACED = {
    "0108": "0109",
    "0212": "0219",
    "02049": "02044",
    "0908": "0909",
    "06091": "06021",
    "06092": "06022",
    "06099": "06029",
}

LEVEL_BY_LENGTH = {2: 1, 4: 2, 5: 3, 6: 4}
PARENT_LENGTH = {4: 2, 5: 4, 6: 5}


def rows() -> list[dict[str, object]]:
    """The categories in load order (parents first), with level and parent code derived."""
    out = []
    for code, en, ar in ICCS:
        n = len(code)
        out.append(
            {
                "code": code,
                "level": LEVEL_BY_LENGTH[n],
                "parent": code[: PARENT_LENGTH[n]] if n in PARENT_LENGTH else None,
                "label_en": en,
                "label_ar": ar,
                "source": SOURCES.get(code, SOURCE_WRITTEN),
            }
        )
    return out
