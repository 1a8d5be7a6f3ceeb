// The safety analysis report's "print" button: shown only when a script runs (the page reads
// and prints without one, through the browser's own menu). WeChat's own browser cannot print:
// there the button stays hidden and the page says to open it in a browser or download the PDF
// (the server already leaves the button out when it sees WeChat; this covers a page kept).
(function () {
  "use strict";
  var wechat = /MicroMessenger/i.test(navigator.userAgent);
  document.querySelectorAll(".report-print").forEach(function (button) {
    if (wechat) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  if (wechat) {
    document.querySelectorAll(".report-wechat").forEach(function (line) { line.hidden = false; });
  }
})();
