"""Role-by-route cases for the delta feed (every signed-in caller gets their own)."""

from tests.authz.matrix import SIGNED_IN, case

case("GET", "/sync", ok=SIGNED_IN)
