from django.http import JsonResponse


def json_response(body: dict, status: int = 200) -> JsonResponse:
    """JSON for the public API: Vietnamese names readable as they are, not \\u-escaped."""
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
