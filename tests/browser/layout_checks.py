"""Layout problems a reader sees, measured in the browser: horizontal overflow, text cut
by its box, short words broken across lines, select boxes too narrow for their choice."""

# Words up to this long must never be split across lines (longer ones may break or
# hyphenate); URLs, e-mails and hashes are left out: they may break anywhere.
MEASURE = """(maxWord) => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`page is ${root.scrollWidth}px wide in a ${root.clientWidth}px window`);
  }
  const hidden = el => !el.getClientRects().length
    || el.closest(".visually-hidden, [hidden], code, pre, textarea, time, thead");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || hidden(el) || el.closest("script, style, option")) continue;
    // A hyphen or a slash is a place where a line may break: each side is a word.
    for (const match of node.data.matchAll(/[^\\s\\-\u2010\\/]+/g)) {
      const word = match[0];
      if (word.length > maxWord || /[@.:#_=;]|\\d/.test(word)) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + word.length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                             .map(r => Math.round(r.top)));
      if (tops.size > 1) problems.push(`"${word}" broken across ${tops.size} lines`);
    }
  }
  const canvas = document.createElement("canvas").getContext("2d");
  for (const el of document.querySelectorAll("th, td, label, button, .button, h1, h2, select")) {
    if (hidden(el)) continue;
    const style = getComputedStyle(el);
    if (el.tagName === "SELECT" && style.whiteSpace === "normal") {
      if (el.scrollWidth > el.clientWidth + 1) problems.push(`select is cut: ${el.scrollWidth}px in ${el.clientWidth}px`);
    } else if (el.tagName === "SELECT") {
      canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const text = el.selectedOptions.length ? el.selectedOptions[0].text : "";
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
      if (canvas.measureText(text).width > room + 1) problems.push(`select cuts "${text}"`);
    } else if (el.scrollWidth > el.clientWidth + 1 && style.overflowX === "visible"
               && style.display !== "inline") {
      problems.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}" `
                    + `is cut: ${el.scrollWidth}px of text in ${el.clientWidth}px`);
    }
  }
  return problems;
}"""


def layout_problems(page, max_word=14):
    """What is wrong with the page's layout at its current viewport, as readable lines."""
    return page.evaluate(MEASURE, max_word)
