"""The committed endpoint service list is what the pinned botocore says, and names resolve sensibly."""

from __future__ import annotations

import pytest

from modules.network import endpoints
from modules.network.config import DEFAULT_INTERFACE_ENDPOINTS


def test_committed_data_matches_the_installed_botocore() -> None:
    pytest.importorskip("botocore")
    from tests.network import endpoint_data

    assert endpoints.DATA_FILE.read_text(encoding="utf-8") == endpoint_data.render(endpoint_data.derive()), (
        "run: python -m tests.network.endpoint_data --write"
    )


def test_defaults_exist_in_every_approved_sample_region() -> None:
    for name in DEFAULT_INTERFACE_ENDPOINTS:
        resolved = endpoints.resolve(name)
        assert resolved is not None and resolved.exact, name
        for region in ("ap-northeast-1", "ap-northeast-3"):
            assert region in endpoints.regions_of(resolved.service), (name, region)


@pytest.mark.parametrize(
    ("name", "service", "exact"),
    [
        ("ecr.dkr", "api.ecr", True),
        ("execute-api", "apigateway", True),
        ("bedrock-runtime", "bedrock", False),
        ("transfer.server", "transfer", False),
        ("sagemaker.api", "api.sagemaker", True),
    ],
)
def test_vpc_short_names_resolve_to_their_service(name: str, service: str, exact: bool) -> None:
    assert endpoints.resolve(name) == endpoints.Resolved(service, exact)


def test_names_with_no_known_part_do_not_resolve() -> None:
    assert endpoints.resolve("not-a-service") is None
    assert endpoints.resolve("secretmanager") is None
