"""The test settings' first authentication backend: axes' own, except that a sign-in with no
request (the test client's login(), which the suite uses to sign people in) is let through
to the other backends. The sign-in pages always pass their request, so the lockout is on
for every test that goes through them."""

from axes.backends import AxesStandaloneBackend


class ClientLoginAxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
