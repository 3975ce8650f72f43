import factory
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from wards.models import StaffMembership, StaffRole


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-dai-123")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    role = StaffRole.EDITOR


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """An authenticator app whose first code was entered: sign-in asks for a code."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Ứng dụng xác thực"
    confirmed = True
