"""factory_boy factories for the web tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory
from simple_history.utils import bulk_create_with_history

from forbetter.accounts.models import Organisation, OrganisationKind, Role, User
from forbetter.framework.models import Action
from forbetter.partnerships.models import Partnership, Task

PASSWORD = "Correct-horse-battery-9"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Council {n}")
    kind = OrganisationKind.COUNCIL


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.COUNCIL_EDITOR
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnership {n}")
    initiation_began_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))

    @factory.post_generation
    def councils(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.councils.set(extracted or [OrganisationFactory()])

    @factory.post_generation
    def with_tasks(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            bulk_create_with_history(
                [Task(partnership=self, action=action) for action in Action.objects.all()], Task
            )
