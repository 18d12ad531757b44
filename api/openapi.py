"""The OpenAPI document as clients and generators need it: what every operation can answer, documented once here.

ninja documents what each endpoint declares. What the layers around the endpoints answer is the same for all of them,
so it is added here for every operation, and a router added later gets it without doing anything:
- 400 for any request the edge or validation refuses (a NUL byte, a malformed parameter);
- 401 when sign-in is required, and an empty security requirement when visitors are served too;
- 403 for a cookie caller's unsafe request without the CSRF token;
- Retry-After on 409, 429 and 503 answers, which say when trying again can succeed.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Router
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from api.auth import VisitorsWelcome

ERROR_SCHEMA_REF = "#/components/schemas/ErrorOut"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
RETRY_AFTER_STATUSES = {"409", "429", "503"}

COMMON_DESCRIPTIONS = {
    400: "The request is malformed: a parameter is missing or invalid, or it contains a NUL character.",
    401: "Sign in first: send X-Session-Token (apps) or the session cookie (browsers).",
    403: "A browser (session cookie) request that changes something needs the CSRF token (X-CSRFToken header).",
}
RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before trying again, when waiting helps.",
    "schema": {"type": "integer", "minimum": 0},
}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}}}


class ContractOpenAPISchema(OpenAPISchema):
    def operation_details(self, operation: Operation) -> dict[str, Any]:
        details = super().operation_details(operation)
        responses: dict[Any, dict[str, Any]] = details["responses"]
        visitors_welcome = any(isinstance(auth, VisitorsWelcome) for auth in operation.auth_callbacks)
        signed_in_only = bool(operation.auth_callbacks) and not visitors_welcome

        responses.setdefault(400, _error_response(COMMON_DESCRIPTIONS[400]))
        if signed_in_only:
            responses.setdefault(401, _error_response(COMMON_DESCRIPTIONS[401]))
        if operation.auth_callbacks and UNSAFE_METHODS & set(operation.methods):
            responses.setdefault(403, _error_response(COMMON_DESCRIPTIONS[403]))
        if visitors_welcome and details.get("security"):
            details["security"].append({})  # an empty requirement: no credentials at all is accepted too
        for status, response in responses.items():
            if str(status) in RETRY_AFTER_STATUSES:
                response.setdefault("headers", {})["Retry-After"] = RETRY_AFTER_HEADER
        return details

    def get_components(self) -> dict[str, Any]:
        components = super().get_components()
        if "ErrorOut" not in self.schemas:
            from api.schemas import ErrorOut

            self.add_schema_definitions({"ErrorOut": ErrorOut.model_json_schema(ref_template=ERROR_SCHEMA_REF)})
        return components


ENDPOINT_SUFFIX = "_endpoint"


class ContractNinjaAPI(NinjaAPI):
    """NinjaAPI whose document is ContractOpenAPISchema.

    Endpoint functions are named <what>_endpoint so they never read like the services they call
    (lesson_unlock_endpoint calls unlock); operation ids and URL names leave the suffix out, so the document
    clients generate code from keeps its names.
    """

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return super().get_openapi_operation_id(operation).removesuffix(ENDPOINT_SUFFIX)

    def get_operation_url_name(self, operation: Operation, router: Router) -> str:
        return super().get_operation_url_name(operation, router).removesuffix(ENDPOINT_SUFFIX)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ContractOpenAPISchema(self, path_prefix)
