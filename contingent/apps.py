from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContingentConfig(AppConfig):
    name = "contingent"
    verbose_name = _("Pupil contingent")

    def ready(self):
        from contingent.choices import ContingentImportEvent, EnrolmentEvent, NobdSnapshotEvent
        from core.audit_actions import register_event_types

        register_event_types(ContingentImportEvent, EnrolmentEvent, NobdSnapshotEvent)
