"""axe-core in a Playwright page: the serious and critical accessibility violations.

axe-core is vendored from its npm package (tests/browser/vendor/axe.min.js, MPL-2.0,
licence beside it). Pages with a strict CSP refuse an injected script, so pages checked
here come from a context that bypasses CSP (the `context_for` fixture): the test checks
the page, not its policy.
"""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


def axe_problems(page):
    """Serious and critical axe-core violations on the page, as readable lines."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const results = await axe.run(document, { resultTypes: ["violations"] });
        return results.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)
        }));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['help']}\n  " + "\n  ".join(v["nodes"][:5])
            for v in violations if v["impact"] in BLOCKING_IMPACTS]
