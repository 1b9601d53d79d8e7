from core.models import AuditEvent, Region


def region_list():
    """Regions are public reference data: everyone sees all of them."""
    return Region.objects.all()


def audit_events_for(*, subject):
    from django.contrib.contenttypes.models import ContentType

    return (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(subject, for_concrete_model=True),
            object_id=str(subject.pk),
        )
        .select_related("actor", "content_type")
        .order_by("created_at", "id")
    )
