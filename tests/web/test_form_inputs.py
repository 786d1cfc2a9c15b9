"""Every form reads numbers, dates and text the same way (rules INPUT-* of forbetter.core.forms).

The walk below finds every Django form class in every app and posts what people really type, and what a
careless paste or a malicious client sends, into each number and date field: no exception (a page would
be a 500), a clear message for what cannot be read, and "10,000,000" read as ten million, never as 10.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import forbetter
from forbetter.core.forms import NumberError, parse_number, split_amounts
from forbetter.performance.forms import PeriodField
from forbetter.procurement.examples import dialogue_round
from tests.conftest import World
from tests.factories import make_kpi

UNREADABLE_NUMBERS = ["NaN", "nan", "Infinity", "-Infinity", "1e400", "1E5", "0000-01", "9999-12-31", "1,20"]
UNREADABLE_DATES = ["0000-01-01", "9999-12-31", "0000-01", "NaN", "1e400"]
UNREADABLE_MONTHS = ["0000-01", "9999-12", "NaN", "1e400", "2024-13"]


def _form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for module_info in pkgutil.walk_packages(forbetter.__path__, "forbetter."):
        if not module_info.name.endswith(("forms", "admin_forms")):
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[name] for name in sorted(found)]


FORM_CLASSES = _form_classes()


def _kwargs(cls: type[forms.BaseForm], world: World, kpi: Any) -> dict[str, Any]:
    available = {
        "partnership": world.ours,
        "years": 3,
        "options": [],
        "choices": [],
        "ending": True,
        "kpis": [kpi],
        "validated": False,
        "risks": [],
        "versions": [],
        "term_years": 3,
        "targets": [("", "Select a risk or a category"), ("risk:1", "R1 A risk")],
        "dialogue_round": dialogue_round(world.ours),
        "scale_max": 4,
        "defaults": {
            "steady": "10 a month",
            "bad_quarter": "10, then 90",
            "persistent_failure": "60 a month",
        },
    }
    wanted = inspect.signature(cls.__init__).parameters
    missing = [
        name
        for name, parameter in wanted.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
        and parameter.default is inspect.Parameter.empty
        and name not in available
    ]
    assert not missing, f"{cls.__name__} needs {missing}: add them to this test"
    return {name: value for name, value in available.items() if name in wanted}


def _kind(field: forms.Field) -> str:
    if isinstance(field, PeriodField):
        return "month"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.DecimalField | forms.IntegerField | forms.FloatField):
        return "number"
    return ""


def test_the_walk_finds_the_forms_of_every_app() -> None:
    apps = {cls.__module__.split(".")[1] for cls in FORM_CLASSES}
    assert {"accounts", "appraisal", "partnerships", "payments", "performance", "risks"} <= apps
    assert len(FORM_CLASSES) >= 40


def _declares_numbers_or_dates(cls: type[forms.BaseForm]) -> bool:
    return any(_kind(field) for field in cls.base_fields.values())


FORMS_WITH_NUMBERS_OR_DATES = [cls for cls in FORM_CLASSES if _declares_numbers_or_dates(cls)]


def test_forms_left_out_of_the_walk_have_no_number_or_date_fields_even_once_built(world: World) -> None:
    """The walk below runs on the forms that declare a number or date field; a form that adds one only in
    its constructor would escape it, so build every other form and check it has none."""
    kpi = make_kpi(world.ours)
    for cls in FORM_CLASSES:
        if cls in FORMS_WITH_NUMBERS_OR_DATES:
            continue
        built = cls(**_kwargs(cls, world, kpi))
        assert not any(_kind(field) for field in built.fields.values()), cls.__name__
    assert len(FORMS_WITH_NUMBERS_OR_DATES) >= 20


@pytest.mark.parametrize(
    "cls", FORMS_WITH_NUMBERS_OR_DATES, ids=lambda cls: f"{cls.__module__.split('.')[1]}.{cls.__name__}"
)
def test_rule_input_every_number_and_date_field_refuses_unreadable_input_with_a_message(
    world: World, cls: type[forms.BaseForm]
) -> None:
    """Rules INPUT-NUMBER-AS-TYPED and INPUT-DATE-PLAUSIBLE over every form: NaN, Infinity, 1e400, year
    0000 or 9999 in any number or date field is an error message on that field, never an exception (a 500)
    or a value saved; "10,000,000" is ten million or a message, never 10."""
    kpi = make_kpi(world.ours)
    kwargs = _kwargs(cls, world, kpi)
    fields = {name: _kind(field) for name, field in cls(**kwargs).fields.items()}
    checked = 0
    for name, kind in fields.items():
        if not kind:
            continue
        bad = {"number": UNREADABLE_NUMBERS, "date": UNREADABLE_DATES, "month": UNREADABLE_MONTHS}[kind]
        for text in bad:
            form = cls(data={name: text}, **kwargs)
            form.is_valid()
            assert name in form.errors, (cls.__name__, name, text)
            message = " ".join(form.errors[name])
            assert message, (cls.__name__, name, text)
            assert "Enter a valid" not in message, (cls.__name__, name, text, message)
            checked += 1
        if kind == "number":
            form = cls(data={name: "10,000,000"}, **kwargs)
            form.is_valid()
            if name not in form.errors:
                assert form.cleaned_data[name] == 10_000_000, (cls.__name__, name)
    assert checked


HOSTILE_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1.5",
            "2",
            "1e400",
            "NaN",
            "9" * 30,
            "2024-13",
            "0000-00-00",
            "2024-04",
            "\x00",
            "=1+1",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@pytest.mark.parametrize(
    "cls", FORM_CLASSES, ids=lambda cls: f"{cls.__module__.split('.')[1]}.{cls.__name__}"
)
def test_every_field_of_every_form_answers_generated_text_with_a_value_or_a_message(
    world: World, cls: type[forms.BaseForm]
) -> None:
    """Property (issue 10 item 5, no 500 on any input): generated text in every field of every form at
    once is cleaned or refused with messages that render; never an exception. It found a share above 1
    in the payment mechanism form raising "incomplete format" (a % in a message with parameters)."""
    kpi = make_kpi(world.ours)
    kwargs = _kwargs(cls, world, kpi)
    if issubclass(cls, AuthenticationForm):  # the sign-in form authenticates through the request
        kwargs["request"] = RequestFactory().post("/accounts/sign-in/")
    names = list(cls(**kwargs).fields)

    @settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.fixed_dictionaries(dict.fromkeys(names, HOSTILE_TEXT)))
    def check(data: dict[str, str]) -> None:
        form = cls(data=data, **kwargs)
        form.is_valid()
        for messages in form.errors.values():
            assert all(isinstance(message, str) and message for message in messages)

    check()


def test_a_share_above_one_is_a_message_not_a_server_error(world: World) -> None:
    """The regression the property above found: "1.5" as the indexed share."""
    from forbetter.payments.forms import MechanismForm

    form = MechanismForm(data={"indexed_share": "1.5", "cap": "-1"})
    form.is_valid()
    assert form.errors["indexed_share"] == [
        "Enter the indexed share as a fraction from 0 to 1, for example 0.3 for 30%"
    ]
    assert "for example 0.3 for 30% of the monthly charge" in form.errors["cap"][0]


@pytest.mark.parametrize("posted", ["99999999999999999999", "-1", "1e3", "٣", " 12x"])
def test_a_choice_that_cannot_be_a_records_id_is_a_message_not_a_server_error(
    world: World, posted: str
) -> None:
    """The regression the walk in test_no_server_errors found: a council id too large for SQLite's integers
    stopped the query with OverflowError; every record choice now refuses it as an invalid choice."""
    from forbetter.partnerships.forms import PartnershipForm
    from forbetter.risks.forms import RiskForm

    form = PartnershipForm(data={"councils": [posted]})
    form.is_valid()
    assert "councils" in form.errors
    risk_form = RiskForm(data={"category": posted}, partnership=world.ours)
    risk_form.is_valid()
    assert "category" in risk_form.errors


def test_rule_input_radios_never_offer_or_preselect_the_blank_choice(world: World) -> None:
    """Rule INPUT-NO-BLANK-RADIO: a radio button labelled "---------" is meaningless and, pre-selected, it
    saves "nothing chosen" without the user choosing it."""
    kpi = make_kpi(world.ours)
    radios = 0
    for cls in FORM_CLASSES:
        form = cls(**_kwargs(cls, world, kpi))
        for bound in form:
            if isinstance(bound.field.widget, forms.RadioSelect):
                radios += 1
                values = [str(option.data["value"]) for option in bound]
                assert "" not in values, (cls.__name__, bound.name)
                assert "---------" not in str(bound), (cls.__name__, bound.name)
    assert radios >= 10


@pytest.mark.parametrize(
    ("text", "money", "expected"),
    [
        ("10,000,000", False, Decimal("10000000")),
        ("1 200", False, Decimal("1200")),
        ("1\u00a0200", False, Decimal("1200")),
        ("£1,200.50", True, Decimal("1200.50")),
        ("£1.2m", True, Decimal("1200000")),
        ("£250k", True, Decimal("250000")),
        ("2bn", True, Decimal("2000000000")),
        ("−5", False, Decimal("-5")),
        ("-£5", True, Decimal("-5")),
        ("94.5", False, Decimal("94.5")),
        (" 0.035 ", False, Decimal("0.035")),
    ],
)
def test_rule_input_number_as_typed_reads_what_people_type(text: str, money: bool, expected: Decimal) -> None:
    """Rule INPUT-NUMBER-AS-TYPED: thousands grouped by commas or spaces, a £ sign and (in money fields)
    k/m/bn are read as the number meant."""
    assert parse_number(text, money=money) == expected


@pytest.mark.parametrize(
    ("text", "money", "message"),
    [
        ("NaN", False, "is not a number: enter a finite amount"),
        ("Infinity", True, "is not a number: enter a finite amount"),
        ("1e400", False, "Write the number in full"),
        ("1,20", False, "use commas only to group thousands"),
        ("1.200,50", True, "use commas only to group thousands"),
        ("£1.2m", False, "without “m”"),
        ("£5", False, "leave out the £ sign"),
        ("twelve", False, "is not a number"),
    ],
)
def test_rule_input_number_as_typed_refuses_with_a_specific_message(
    text: str, money: bool, message: str
) -> None:
    with pytest.raises(NumberError, match=message):
        parse_number(text, money=money)


@given(pence=st.integers(min_value=-(10**14), max_value=10**14))
def test_property_an_amount_written_with_thousands_commas_reads_back_exactly(pence: int) -> None:
    amount = Decimal(pence).scaleb(-2)
    assert parse_number(f"£{amount:,.2f}".replace("£-", "-£"), money=True) == amount
    assert split_amounts(f"{amount:,.2f}; {amount:,.2f}") == [f"{amount:,.2f}"] * 2


def test_rule_input_list_as_typed_keeps_grouped_thousands_together() -> None:
    """Rule INPUT-LIST-AS-TYPED: "10,000,000" is one year's amount; "10, 0, 0" is three."""
    assert split_amounts("10,000,000") == ["10,000,000"]
    assert split_amounts("10, 0, 0") == ["10", "0", "0"]
    assert split_amounts("1,250,000, 1,300,000\n900") == ["1,250,000", "1,300,000", "900"]
    assert split_amounts("200,,200") == ["200", "", "200"]
    assert split_amounts("1000,2000") == ["1000", "2000"]


def test_date_window_messages_name_the_window() -> None:
    from django.core.exceptions import ValidationError

    from forbetter.core.forms import check_date

    with pytest.raises(ValidationError, match="between 1990 and 2100, not 31 December 9999"):
        check_date(dt.date(9999, 12, 31), label="the date")
    with pytest.raises(ValidationError, match="must be today or in the past"):
        check_date(
            dt.date(2030, 1, 1), label="the date approved", not_in_future=True, today=dt.date(2026, 1, 1)
        )
    with pytest.raises(ValidationError, match="on or after 1 April 2023: the service began in April 2023"):
        check_date(
            dt.date(2020, 5, 1),
            label="the month excused",
            earliest=dt.date(2023, 4, 1),
            earliest_because="the service began in April 2023",
        )
