"""axe-core in a Playwright page: the serious and critical accessibility violations.

axe-core is vendored from its npm package (tests/browser/vendor/axe.min.js, MPL-2.0,
licence beside it). Pages with a strict CSP refuse an injected script, so pages checked
here come from a context that bypasses CSP (the `context_for` fixture): the test checks
the page, not its policy.

Cheap enough to run on hundreds of pages (tests/browser/test_every_page.py): the script
comes from a small server of its own with a cacheable copy (the browser then keeps it
compiled: about 10 ms a page instead of 80; a Playwright route would turn the context's
cache off), and rules none of whose checks can be
serious or critical are not run (they could never fail a test; `region` is a slow one).
"""

import functools
from pathlib import Path

from tests.browser.conftest import serve_folder

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}

RUN = """async ([blocking, skipped]) => {
  const impact = id => (axe._audit.data.checks[id] || {}).impact;
  const rules = {};
  for (const rule of axe._audit.rules) {
    const checks = [...rule.any, ...rule.all, ...rule.none].map(check => check.id || check);
    if (!checks.some(id => blocking.includes(impact(id))) || skipped.includes(rule.id)) {
      rules[rule.id] = {enabled: false};
    }
  }
  const results = await axe.run(document, { resultTypes: ["violations"], rules });
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)
  }));
}"""


@functools.cache
def axe_url():
    """The script's address on a loopback server started once per test process."""
    server = serve_folder(AXE.parent, {"Cache-Control": "public, max-age=86400"})
    return f"{server.origin}/{AXE.name}"


def axe_problems(page, skip=()):
    """Serious and critical axe-core violations on the page, as readable lines (rules
    in skip not run)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(url=axe_url())
    violations = page.evaluate(RUN, [sorted(BLOCKING_IMPACTS), list(skip)])
    return [f"{v['id']} ({v['impact']}): {v['help']}\n  " + "\n  ".join(v["nodes"][:5])
            for v in violations if v["impact"] in BLOCKING_IMPACTS]
