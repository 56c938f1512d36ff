"""The services: door, one ledger entry each, nothing written on bad input, duplicates, search."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dalil import access
from dalil.accounts.models import Governorate
from dalil.audit.models import Entry
from dalil.audit.testing import actions_since, last_seq
from dalil.parties import services
from dalil.parties.models import IdentityDocument, Link, Person, PersonAlias, Phone
from dalil.search import query

pytestmark = pytest.mark.django_db

VALID_IBAN = "IQ98NBIQ850123456789012"


def make_person(actor: Any, unit: Any, **extra: Any) -> Person:
    fields = {
        "given_name_ar": "أحمد",
        "father_name_ar": "جاسم",
        "family_name_ar": "الساعدي",
        "given_name_latin": "Ahmed",
        "family_name_latin": "al-Saadi",
        "birth_year": 1986,
        **extra,
    }
    return services.person_create(actor=actor, unit=unit, **fields)


def test_each_service_writes_exactly_one_ledger_entry(investigator: Any, tree: Any) -> None:
    unit = tree["BGD-KARADA"]
    seq = last_seq()
    person = make_person(investigator, unit)
    assert actions_since(seq) == ["parties.person_created"]

    def one(action: str, call: Any) -> Any:
        before = last_seq()
        result = call()
        assert actions_since(before) == [action], action
        return result

    one(
        "parties.alias_added",
        lambda: services.alias_add(actor=investigator, person=person, name="أبو علي"),
    )
    one(
        "parties.document_added",
        lambda: services.document_add(
            actor=investigator, person=person, kind="passport", number="A1234567"
        ),
    )
    one(
        "parties.person_changed",
        lambda: services.person_update(actor=investigator, person=person, birth_month=3),
    )
    phone = one(
        "parties.phone_created",
        lambda: services.entity_create(
            actor=investigator, entity_type="phone", unit=unit, number="07701234567"
        ),
    )
    one(
        "parties.phone_changed",
        lambda: services.entity_update(actor=investigator, obj=phone, note="work"),
    )
    one(
        "parties.vehicle_created",
        lambda: services.entity_create(
            actor=investigator, entity_type="vehicle", unit=unit, plate="بغداد أ 41837"
        ),
    )
    one(
        "parties.account_created",
        lambda: services.entity_create(
            actor=investigator, entity_type="account", unit=unit, iban=VALID_IBAN
        ),
    )
    one(
        "parties.organisation_created",
        lambda: services.entity_create(
            actor=investigator,
            entity_type="organisation",
            unit=unit,
            name_ar="شركة",
            kind="company",
        ),
    )
    one(
        "parties.address_created",
        lambda: services.entity_create(
            actor=investigator,
            entity_type="address",
            unit=unit,
            governorate=Governorate.objects.get(code="IQ-BG"),
            text="محلة 903",
            latitude="33.3",
            longitude="44.4",
        ),
    )
    one(
        "parties.link_created",
        lambda: services.link_create(
            actor=investigator,
            source_entity=person,
            link_type="uses_phone",
            target=phone,
            source="سجل المشترك",
            reliability="B",
            credibility="2",
        ),
    )
    # Saving with no change writes nothing.
    before = last_seq()
    services.entity_update(actor=investigator, obj=phone, note="work")
    assert actions_since(before) == []


@pytest.mark.parametrize(
    ("entity_type", "fields", "field"),
    [
        ("phone", {"number": "0770 12"}, "number"),
        ("account", {"iban": "IQ98NBIQ850123456789013"}, "iban"),
        ("vehicle", {"plate": "بغداد 1", "vin": "12345"}, "vin"),
        ("address", {"text": "x", "latitude": "24.7", "longitude": "46.6"}, "latitude"),
    ],
)
def test_invalid_values_are_refused_with_a_message_and_nothing_is_written(
    investigator: Any, tree: Any, entity_type: str, fields: dict, field: str
) -> None:
    if entity_type == "address":
        fields = {**fields, "governorate": Governorate.objects.get(code="IQ-BG")}
    seq = last_seq()
    model = services.ENTITY_MODELS[entity_type]
    with pytest.raises(ValidationError) as exc:
        services.entity_create(
            actor=investigator, entity_type=entity_type, unit=tree["BGD-KARADA"], **fields
        )
    assert field in exc.value.message_dict and exc.value.message_dict[field][0]
    assert model.objects.count() == 0
    assert last_seq() == seq


@pytest.mark.parametrize(
    "extra",
    [
        {"birth_year": 2999},
        {"birth_year": 1999, "birth_month": 2, "birth_day": 29},
        {"nationality": "XX"},
    ],
)
def test_a_person_with_a_future_or_impossible_date_or_unknown_country_is_not_recorded(
    investigator: Any, tree: Any, extra: dict
) -> None:
    seq = last_seq()
    with pytest.raises(ValidationError):
        make_person(investigator, tree["BGD-KARADA"], **extra)
    assert Person.objects.count() == 0 and last_seq() == seq


def test_a_document_number_with_a_direction_control_is_refused_and_not_written(
    investigator: Any, tree: Any
) -> None:
    person = make_person(investigator, tree["BGD-KARADA"])
    seq = last_seq()
    with pytest.raises(ValidationError) as exc:
        services.document_add(
            actor=investigator, person=person, kind="national_card", number="1990\u202e1234"
        )
    assert exc.value.message_dict["number"] == [
        _("This contains invisible direction-control characters, which are not allowed.")
    ]
    assert IdentityDocument.objects.count() == 0 and last_seq() == seq


def test_document_numbers_are_stored_with_ascii_digits(investigator: Any, tree: Any) -> None:
    person = make_person(investigator, tree["BGD-KARADA"])
    doc = services.document_add(
        actor=investigator, person=person, kind="national_card", number="١٩٩٠١٢٣٤٥"
    )
    assert doc.number == "199012345"


def test_phone_numbers_are_stored_once_in_e164(investigator: Any, tree: Any) -> None:
    unit = tree["BGD-KARADA"]
    phone = services.entity_create(
        actor=investigator, entity_type="phone", unit=unit, number="٠٧٧٠١٢٣٤٥٦٧"
    )
    assert isinstance(phone, Phone) and phone.number == "+9647701234567"
    with pytest.raises(ValidationError) as exc:
        services.entity_create(
            actor=investigator, entity_type="phone", unit=unit, number="+964 770 123 4567"
        )
    assert "number" in exc.value.message_dict
    assert Phone.objects.count() == 1


def test_admiralty_grading_outside_a_to_f_and_1_to_6_is_refused(
    investigator: Any, tree: Any
) -> None:
    unit = tree["BGD-KARADA"]
    person = make_person(investigator, unit)
    other = make_person(investigator, unit, given_name_ar="علي", confirm_duplicate=True)
    for reliability, credibility, field in [
        ("G", "2", "reliability"),
        ("A", "7", "credibility"),
        ("a", "0", "reliability"),
    ]:
        seq = last_seq()
        with pytest.raises(ValidationError) as exc:
            services.link_create(
                actor=investigator,
                source_entity=person,
                link_type="family",
                target=other,
                source="إفادة",
                reliability=reliability,
                credibility=credibility,
            )
        assert field in exc.value.message_dict
        assert Link.objects.count() == 0 and last_seq() == seq
    link = services.link_create(
        actor=investigator,
        source_entity=person,
        link_type="family",
        target=other,
        source="إفادة",
        reliability="F",
        credibility="6",
    )
    assert link.grading == "F6"


def test_a_second_person_with_the_same_name_and_birth_year_needs_confirming(
    investigator: Any, tree: Any
) -> None:
    unit = tree["BGD-KARADA"]
    first = make_person(investigator, unit)
    seq = last_seq()
    with pytest.raises(services.DuplicatePerson) as exc:
        # Same name with other hamza and diacritics folds to the same key.
        make_person(investigator, unit, given_name_ar="احمد", family_name_ar="السَّاعدي")
    assert exc.value.candidates == [first]
    assert Person.objects.count() == 1 and last_seq() == seq
    second = make_person(investigator, unit, given_name_ar="احمد", confirm_duplicate=True)
    assert Person.objects.count() == 2
    entry = Entry.objects.get(target_id=str(second.pk), action="parties.person_created")
    assert json.loads(entry.payload)["duplicate_confirmed"] is True
    # Another birth year is not a duplicate.
    make_person(investigator, unit, birth_year=1990)
    assert Person.objects.count() == 3


def test_a_duplicate_in_a_unit_the_actor_cannot_see_is_not_revealed(
    investigator: Any, other_investigator: Any, tree: Any
) -> None:
    make_person(other_investigator, tree["BGD-MANSOUR"])
    make_person(investigator, tree["BGD-KARADA"])  # no warning: the other one is out of scope
    assert Person.objects.count() == 2


def test_recording_in_a_unit_without_the_manage_permission_is_refused(
    investigator: Any, make_user: Any, tree: Any
) -> None:
    scene = make_user("scene", unit="BGD-KARADA", role="scene_officer")
    seq = last_seq()
    with pytest.raises(access.Denied):
        make_person(scene, tree["BGD-KARADA"])
    with pytest.raises(access.Denied):
        make_person(investigator, tree["BGD-MANSOUR"])
    assert Person.objects.count() == 0
    assert actions_since(seq) == []


def test_search_finds_an_arabic_name_by_its_latin_spelling_and_by_an_alias(
    investigator: Any, other_investigator: Any, tree: Any
) -> None:
    person = services.person_create(
        actor=investigator, unit=tree["BGD-KARADA"], given_name_ar="أحمد", family_name_ar="الساعدي"
    )
    services.alias_add(actor=investigator, person=person, name="أبو حيدر")

    def found(actor: Any, text: str) -> list[str]:
        results = query.run(actor, query.validate(text), only="parties.person")
        return [h.label for g in results.groups for h in g.hits]

    assert found(investigator, "Ahmed") == [person.name_ar]
    assert found(investigator, "Ahmad al-Saadi") == [person.name_ar]
    assert found(investigator, "حيدر") == [person.name_ar]
    assert found(other_investigator, "Ahmed") == []  # another station's person stays hidden


def test_search_finds_a_phone_by_its_national_format_and_a_vehicle_by_its_plate(
    investigator: Any, tree: Any
) -> None:
    unit = tree["BGD-KARADA"]
    services.entity_create(
        actor=investigator, entity_type="phone", unit=unit, number="+9647701234567"
    )
    services.entity_create(
        actor=investigator, entity_type="vehicle", unit=unit, plate="بغداد أ ٤١٨٣٧"
    )

    def labels(text: str) -> list[str]:
        return [
            h.label for g in query.run(investigator, query.validate(text)).groups for h in g.hits
        ]

    assert labels("07701234567") == ["+9647701234567"]
    assert labels("+9647701234567") == ["+9647701234567"]
    assert labels("41837") == ["بغداد أ ٤١٨٣٧"]


def test_an_alias_with_a_direction_control_is_refused(investigator: Any, tree: Any) -> None:
    person = make_person(investigator, tree["BGD-KARADA"])
    with pytest.raises(ValidationError):
        services.alias_add(actor=investigator, person=person, name="أبو\u202eعلي")
    assert PersonAlias.objects.count() == 0
