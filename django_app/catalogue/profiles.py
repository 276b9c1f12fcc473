"""Profiles: the signed-in user and their profile, read and changed at /api/auth/me."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from catalogue import services
from catalogue.models import Profile
from catalogue.permissions import signed_in
from catalogue.serializers import ContractModelSerializer, UserSerializer

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ProfileSerializer(ContractModelSerializer):
    # From the model: display_name (blank allowed, never null), birth_date (null allowed).
    class Meta:
        model = Profile
        fields = ["display_name", "birth_date"]

    def update(self, instance: Profile, validated_data: dict[str, Any]) -> Profile:
        return services.profile_update(profile=instance, data=validated_data)


class MeSerializer(UserSerializer):
    profile = ProfileSerializer(read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "profile"]
        read_only_fields = fields


class MeView(generics.GenericAPIView):
    """GET: the caller with their profile. PATCH: change the profile's fields given (the
    user's own fields are not written here)."""

    serializer_class = ProfileSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self) -> User:
        return signed_in(self.request.user)

    def get(self, request: Request) -> Response:
        return Response(MeSerializer(self.get_object()).data)

    def patch(self, request: Request) -> Response:
        user = self.get_object()
        serializer = self.get_serializer(user.profile, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(MeSerializer(user).data)
