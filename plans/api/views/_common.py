"""Input serializers that several plan actions share."""

from __future__ import annotations

from rest_framework import serializers


class CommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
