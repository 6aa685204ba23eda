"""axe-core in a Playwright page: the serious and critical accessibility violations.

axe-core is vendored from its npm package (tests/browser/vendor/axe.min.js, MPL-2.0,
licence beside it). Pages with a strict CSP refuse an injected script, so pages checked
here come from a context that bypasses CSP (the `context_for` fixture): the test checks
the page, not its policy.

Cheap enough to run on hundreds of pages (tests/browser/test_every_page.py): the script
comes from a URL the context answers with a cacheable copy (the browser then keeps it
compiled: about 10 ms a page instead of 80), and rules none of whose checks can be
serious or critical are not run (they could never fail a test; `region` is a slow one).
"""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_URL = "http://axe-core.test/axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}

RUN = """async (blocking) => {
  const impact = id => (axe._audit.data.checks[id] || {}).impact;
  const rules = {};
  for (const rule of axe._audit.rules) {
    const checks = [...rule.any, ...rule.all, ...rule.none].map(check => check.id || check);
    if (!checks.some(id => blocking.includes(impact(id)))) rules[rule.id] = {enabled: false};
  }
  const results = await axe.run(document, { resultTypes: ["violations"], rules });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)
  }));
}"""


def _serve_axe(context):
    if not getattr(context, "serves_axe", False):
        context.route(AXE_URL, lambda route: route.fulfill(
            path=str(AXE), content_type="text/javascript",
            headers={"Cache-Control": "max-age=86400"}))
        context.serves_axe = True


def axe_problems(page):
    """Serious and critical axe-core violations on the page, as readable lines."""
    _serve_axe(page.context)
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    violations = page.evaluate(RUN, sorted(BLOCKING_IMPACTS))
    return [f"{v['id']} ({v['impact']}): {v['help']}\n  " + "\n  ".join(v["nodes"][:5])
            for v in violations if v["impact"] in BLOCKING_IMPACTS]
