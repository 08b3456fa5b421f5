// Charts of the wallet home (#wallet-chart) and the profit report (#profit-chart), drawn with the
// vendored Chart.js from data the page gives in a json_script element (no inline script: CSP).
// The series names come translated from the canvas's data-label-* attributes.
(function () {
  "use strict";
  // A bar chart on canvas #id from the JSON in #id-data; series(data) lists [label, values, colour].
  function bars(id, series, scales) {
    var canvas = document.getElementById(id);
    var source = document.getElementById(id + "-data");
    if (!canvas || !source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    data.names = canvas.dataset;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: series(data).map(function (s) {
          return {label: s[0], data: s[1].map(Number), backgroundColor: s[2]};
        })
      },
      options: {responsive: true, maintainAspectRatio: false, animation: false, scales: scales}
    });
  }
  function draw() {
    bars("wallet-chart", function (d) {
      return [
        [(d.names.labelSpent || "Spent") + " (" + d.currency + ")", d.spent, "#d63939"],
        [(d.names.labelToppedUp || "Topped up") + " (" + d.currency + ")", d.topped_up, "#2fb344"]
      ];
    }, {y: {beginAtZero: true}});
    bars("profit-chart", function (d) {
      return [
        [d.names.labelSale || "Sale price", d.sale, "#206bc4"],
        [d.names.labelCost || "Cost", d.cost, "#6c7a91"],
        [d.names.labelMargin || "Margin", d.margin, "#2fb344"]
      ];
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
