from django.core.management.base import BaseCommand, CommandError

from signatures.models import Signature
from signatures.reverify import signature_reverify
from signatures.trust import load_trust_store


class Command(BaseCommand):
    help = ("Re-verify every kept signature offline: the CMS against its payload, the chain against SIGNATURE_TRUST_DIR "
            "as of the original verification, with the OCSP responses and CRLs kept then. Exits non-zero naming "
            "every signature that fails.")

    def add_arguments(self, parser):
        parser.add_argument("--trust-dir", help="trusted roots and intermediates (default SIGNATURE_TRUST_DIR)")

    def handle(self, *args, **options):
        try:
            trust = load_trust_store(options["trust_dir"])
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        ok, failed = 0, []
        rows = Signature.objects.select_related("content_type", "signer").order_by("id")
        for signature in rows.iterator(chunk_size=200):
            problem = signature_reverify(signature, trust=trust)
            if problem is None:
                ok += 1
                continue
            failed.append(signature.pk)
            self.stdout.write(
                f"FAILED signature #{signature.pk} ({signature.content_type.app_label}.{signature.content_type.model} "
                f"{signature.object_id}, {signature.action}, {signature.signer.username}, "
                f"signed {signature.signing_time.isoformat()}): {problem.code}: {problem}"
            )
        self.stdout.write(f"verify_signatures: {ok} ok, {len(failed)} failed")
        if failed:
            raise CommandError(f"{len(failed)} signature(s) failed verification: " + ", ".join(f"#{pk}" for pk in failed))
