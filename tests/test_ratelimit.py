from django.http import HttpResponse
from django.test import RequestFactory

from quartierskompass.core.ratelimit import rate_limited


def test_a_client_over_the_limit_gets_429_and_others_do_not(settings):
    settings.QK_BEHIND_PROXY = False

    @rate_limited("test", per_minute=3)
    def view(request):
        return HttpResponse("ok")

    factory = RequestFactory()
    first = [view(factory.get("/", REMOTE_ADDR="10.0.0.1")).status_code for _ in range(4)]
    assert first == [200, 200, 200, 429]
    assert view(factory.get("/", REMOTE_ADDR="10.0.0.2")).status_code == 200
    blocked = view(factory.get("/", REMOTE_ADDR="10.0.0.1"))
    assert int(blocked["Retry-After"]) <= 60
