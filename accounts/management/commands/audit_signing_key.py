import base64
import secrets

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError

from accounts.checkpoints import key_id, public_key_text, signing_key


class Command(BaseCommand):
    help = (
        "generate: print a new Ed25519 key for AUDIT_SIGNING_KEY and its public key. "
        "public: print the public key and key id of the configured AUDIT_SIGNING_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "public"])

    def handle(self, *args, **options):
        if options["action"] == "generate":
            raw = secrets.token_bytes(32)
            public = Ed25519PrivateKey.from_private_bytes(raw).public_key()
            self.stdout.write(f"AUDIT_SIGNING_KEY={base64.b64encode(raw).decode()}")
            self.stdout.write(f"# public key {public_key_text(public)} (key id {key_id(public)})")
            return
        key = signing_key()
        if key is None:
            raise CommandError("AUDIT_SIGNING_KEY is not set.")
        public = key.public_key()
        self.stdout.write(f"{public_key_text(public)} (key id {key_id(public)})")
