// Charts of the wallet home (#wallet-chart) and the profit report (#profit-chart), drawn with the
// vendored Chart.js from data the page gives in a json_script element (no inline script: CSP).
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw() {
    if (!window.Chart) return;
    var wallet = document.getElementById("wallet-chart");
    var walletData = data("wallet-chart-data");
    if (wallet && walletData) {
      new window.Chart(wallet, {
        type: "bar",
        data: {
          labels: walletData.labels,
          datasets: [
            {label: "Spent (" + walletData.currency + ")", data: walletData.spent.map(Number), backgroundColor: "#d63939"},
            {label: "Topped up (" + walletData.currency + ")", data: walletData.topped_up.map(Number), backgroundColor: "#2fb344"}
          ]
        },
        options: {responsive: true, maintainAspectRatio: false, animation: false, scales: {y: {beginAtZero: true}}}
      });
    }
    var profit = document.getElementById("profit-chart");
    var profitData = data("profit-chart-data");
    if (profit && profitData) {
      new window.Chart(profit, {
        type: "bar",
        data: {
          labels: profitData.labels,
          datasets: [
            {label: "Sale price", data: profitData.sale.map(Number), backgroundColor: "#206bc4"},
            {label: "Cost", data: profitData.cost.map(Number), backgroundColor: "#6c7a91"},
            {label: "Margin", data: profitData.margin.map(Number), backgroundColor: "#2fb344"}
          ]
        },
        options: {responsive: true, maintainAspectRatio: false, animation: false}
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
