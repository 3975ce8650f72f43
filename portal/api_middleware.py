"""What every /api/ answer shares: a per-client limit, caching headers and revalidation.

- Each client (portal/client.py: the address behind a trusted proxy) may make
  API_RATE_PER_IP requests, and API_BATCH_RATE_PER_IP batch conversions, in each window;
  beyond that the answer is 429 with Retry-After (the seconds left in the window), in the
  API's error shape (portal/api_limit.py). With Redis down the limit lets requests through.
- A GET answer is kept in the shared cache until any public data changes
  (portal/page_cache.py `shared_answer`), and its last copy is served while the database
  is down.
- A successful GET is public data: `Cache-Control: public, max-age=API_CACHE_SECONDS`, an
  ETag from its content, and 304 when the client already holds it (If-None-Match, or
  If-Modified-Since where the operation gave a Last-Modified).
"""

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import parse_http_date_safe
from django.utils.translation import gettext as _

from portal.api_limit import Rate, seconds_over_limit
from portal.client import client_ip
from portal.http import json_response
from portal.page_cache import shared_answer
from procedures.search import search_fingerprint
from wards.resolver_index import address_index_version

BATCH_PATH = "/api/v1/convert/batch"
# Answered from this process's in-memory indexes (and kept there per index generation):
# the shared cache would only add round trips to Redis.
FROM_MEMORY = {"/api/v1/convert", "/api/v1/procedures"}


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        limited = self._limited(request)
        if limited is not None:
            return limited
        head = request.method == "HEAD"
        if head:  # the operations answer GET; HEAD is the same answer without its body
            request.method = "GET"
        shareable = request.method == "GET" and request.path not in FROM_MEMORY
        if shareable and settings.PAGE_CACHE_ENABLED:
            response = self._shared(request)
        else:
            response = self.get_response(request)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.API_CACHE_SECONDS)
            if not response.streaming and not response.has_header("ETag"):
                set_response_etag(response)
            last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
            response = get_conditional_response(
                request, etag=response.get("ETag"), last_modified=last_modified, response=response
            )
        if head:
            request.method = "HEAD"
            if not response.streaming:
                response["Content-Length"] = str(len(response.content))
                response.content = b""
        return response

    def _shared(self, request: HttpRequest) -> HttpResponse:
        try:
            versions = [address_index_version(), search_fingerprint()]
        except DatabaseError:
            versions = ["database-down"]  # only the last copy can be served: see below
        return shared_answer(request, self.get_response, versions)

    def _limited(self, request: HttpRequest) -> HttpResponse | None:
        group, rate = "api", settings.API_RATE_PER_IP
        if request.path == BATCH_PATH and request.method == "POST":
            group, rate = "api-batch", settings.API_BATCH_RATE_PER_IP
        seconds = seconds_over_limit(group=group, client=client_ip(request), rate=Rate.parse(rate))
        if seconds is None:
            return None
        message = _("Quá nhiều yêu cầu từ địa chỉ của bạn. Hãy thử lại sau %(seconds)d giây.")
        response = json_response({"error": message % {"seconds": seconds}}, status=429)
        response["Retry-After"] = str(seconds)
        return response
