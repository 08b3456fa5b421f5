// Reads a product page: title, main image, price (and its currency) and the product URL.
//
// A classic script, not an ES module: content scripts cannot be modules, and this file shares
// its global scope with button.js (both are listed in the manifest's content_scripts). It only
// reads the DOM: nothing from the page is ever evaluated.
//
// Order of trust, field by field: JSON-LD Product data (what the shop publishes for search
// engines, the most stable), then Open Graph / product meta tags, then the site's own selectors
// (which change with every redesign, so each site has several). The first non-empty value wins.
"use strict";

var DropyardExtract = (function () {
  // Per-site selectors, newest layout first. Hostname suffix → field → selectors.
  var SITES = [
    {
      platform: "1688",
      hosts: ["1688.com"],
      currency: "CNY",
      title: [".title-content h1", ".title-text", ".d-title", "h1"],
      image: [".detail-gallery-img", ".detail-gallery-turn img", "#dt-tab img", ".vertical-img img"],
      price: [".price-now", ".price-text", ".price-content .price", ".price .value"],
    },
    {
      platform: "taobao",
      hosts: ["taobao.com", "tmall.com"],
      currency: "CNY",
      title: ["[class*='ItemHeader--mainTitle']", ".tb-main-title", ".tb-detail-hd h1", "h1"],
      image: ["[class*='PicGallery--mainPic']", "#J_ImgBooth", ".tb-booth img"],
      price: ["[class*='Price--priceText']", ".tb-rmb-num", ".tm-price"],
    },
    {
      platform: "aliexpress",
      hosts: ["aliexpress.com"],
      currency: "",
      title: ["h1[data-pl='product-title']", ".product-title-text", "h1"],
      image: ["[class*='magnifier--image']", ".magnifier-image", ".image-view-magnifier-wrap img"],
      price: ["[class*='price--currentPriceText']", ".product-price-current", ".uniform-banner-box-price"],
    },
    {
      platform: "amazon",
      hosts: ["amazon."],
      currency: "",
      title: ["#productTitle", "#title"],
      image: ["#landingImage", "#imgBlkFront", "#main-image"],
      price: [".a-price .a-offscreen", "#corePrice_feature_div .a-offscreen", "#priceblock_ourprice"],
    },
  ];

  var SYMBOLS = [
    ["US $", "USD"], ["US$", "USD"], ["C$", "CAD"], ["A$", "AUD"], ["R$", "BRL"], ["€", "EUR"],
    ["£", "GBP"], ["¥", "CNY"], ["￥", "CNY"], ["₹", "INR"], ["zł", "PLN"], ["$", "USD"],
  ];

  function siteFor(hostname) {
    for (var i = 0; i < SITES.length; i++) {
      for (var j = 0; j < SITES[i].hosts.length; j++) {
        var host = SITES[i].hosts[j];
        if (host.endsWith(".") ? hostname.indexOf(host) !== -1 : hostname === host || hostname.endsWith("." + host)) {
          return SITES[i];
        }
      }
    }
    return null;
  }

  function clean(text) {
    return (text || "").replace(/\s+/g, " ").trim();
  }

  function absolute(url, doc) {
    if (!url) return "";
    try {
      var parsed = new URL(String(url).trim(), doc.baseURI);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : "";
    } catch (e) {
      return "";
    }
  }

  // "¥ 12.50 - 15.80" → "12.50"; "1,234.56" → "1234.56"; "12,50 €" → "12.50". The first
  // amount of a range is the lowest tier: what a sourcing agent is asked to beat.
  function parsePrice(text) {
    var match = String(text || "").match(/\d[\d.,\s]*/);
    if (!match) return "";
    var raw = match[0].replace(/\s/g, "").replace(/[.,]$/, "");
    var lastDot = raw.lastIndexOf(".");
    var lastComma = raw.lastIndexOf(",");
    var decimal = "";
    if (lastDot !== -1 && lastComma !== -1) {
      decimal = lastDot > lastComma ? "." : ",";
    } else if (lastComma !== -1) {
      decimal = raw.length - lastComma - 1 === 3 && raw.split(",").length >= 2 ? "" : ",";
    } else if (lastDot !== -1) {
      decimal = raw.length - lastDot - 1 === 3 && raw.split(".").length > 2 ? "" : ".";
    }
    var whole = raw;
    var fraction = "";
    if (decimal) {
      whole = raw.slice(0, raw.lastIndexOf(decimal));
      fraction = raw.slice(raw.lastIndexOf(decimal) + 1);
    }
    whole = whole.replace(/[.,]/g, "") || "0";
    var value = fraction ? whole + "." + fraction.slice(0, 2) : whole;
    return Number.isFinite(Number(value)) && Number(value) > 0 ? value : "";
  }

  function currencyOf(text) {
    var found = String(text || "").toUpperCase().match(/\b(USD|EUR|GBP|CNY|RMB|CAD|AUD|JPY|INR|BRL|PLN)\b/);
    if (found) return found[1] === "RMB" ? "CNY" : found[1];
    for (var i = 0; i < SYMBOLS.length; i++) {
      if (String(text || "").indexOf(SYMBOLS[i][0]) !== -1) return SYMBOLS[i][1];
    }
    return "";
  }

  function firstImage(value) {
    if (!value) return "";
    if (Array.isArray(value)) return firstImage(value[0]);
    if (typeof value === "object") return value.url || value.contentUrl || "";
    return String(value);
  }

  function productNodes(data, found) {
    if (!data || typeof data !== "object") return found;
    if (Array.isArray(data)) {
      data.forEach(function (item) { productNodes(item, found); });
      return found;
    }
    var type = data["@type"];
    if (type === "Product" || (Array.isArray(type) && type.indexOf("Product") !== -1)) found.push(data);
    if (data["@graph"]) productNodes(data["@graph"], found);
    return found;
  }

  function fromJsonLd(doc) {
    var scripts = doc.querySelectorAll('script[type="application/ld+json"]');
    for (var i = 0; i < scripts.length; i++) {
      var data;
      try {
        data = JSON.parse(scripts[i].textContent);
      } catch (e) {
        continue; // a shop's broken JSON-LD must not stop the other sources
      }
      var products = productNodes(data, []);
      if (!products.length) continue;
      var product = products[0];
      var offer = Array.isArray(product.offers) ? product.offers[0] : product.offers || {};
      var price = offer.price != null ? offer.price : offer.lowPrice;
      return {
        title: clean(product.name),
        image: firstImage(product.image),
        price: price != null ? parsePrice(String(price)) : "",
        currency: clean(offer.priceCurrency).toUpperCase(),
        url: offer.url || product.url || "",
      };
    }
    return {};
  }

  function meta(doc, names) {
    for (var i = 0; i < names.length; i++) {
      var node = doc.querySelector('meta[property="' + names[i] + '"], meta[name="' + names[i] + '"]');
      if (node && clean(node.getAttribute("content"))) return clean(node.getAttribute("content"));
    }
    return "";
  }

  function fromMeta(doc) {
    return {
      title: meta(doc, ["og:title", "twitter:title"]),
      image: meta(doc, ["og:image", "og:image:url", "twitter:image"]),
      price: parsePrice(meta(doc, ["product:price:amount", "og:price:amount"])),
      currency: meta(doc, ["product:price:currency", "og:price:currency"]).toUpperCase(),
      url: meta(doc, ["og:url"]),
    };
  }

  function select(doc, selectors, read) {
    for (var i = 0; i < (selectors || []).length; i++) {
      var nodes = doc.querySelectorAll(selectors[i]);
      for (var j = 0; j < nodes.length; j++) {
        var value = read(nodes[j]);
        if (value) return value;
      }
    }
    return "";
  }

  function imageOf(node) {
    // Lazy-loading galleries keep the real address in a data attribute; Amazon keeps the
    // large picture in data-old-hires.
    return (
      node.getAttribute("data-old-hires") ||
      node.getAttribute("data-src") ||
      node.getAttribute("data-lazy-src") ||
      node.getAttribute("src") ||
      ""
    );
  }

  function fromSelectors(doc, site) {
    if (!site) return {};
    var priceText = select(doc, site.price, function (node) { return clean(node.textContent); });
    return {
      title: select(doc, site.title, function (node) { return clean(node.textContent); }),
      image: select(doc, site.image, imageOf),
      price: parsePrice(priceText),
      currency: currencyOf(priceText) || site.currency,
    };
  }

  function canonicalUrl(doc, loc) {
    var link = doc.querySelector('link[rel="canonical"]');
    var href = link ? absolute(link.getAttribute("href"), doc) : "";
    if (href) return href;
    var url = new URL(loc.href);
    url.hash = "";
    // Taobao and Tmall name the item in the query (item.htm?id=…); elsewhere the query is
    // tracking noise that would defeat the server's duplicate detection.
    var id = url.searchParams.get("id");
    url.search = id && /taobao|tmall/.test(url.hostname) ? "?id=" + encodeURIComponent(id) : "";
    return url.href;
  }

  function pick(sources, field) {
    for (var i = 0; i < sources.length; i++) {
      if (sources[i][field]) return sources[i][field];
    }
    return "";
  }

  /** The product on ``doc``: {platform, title, image, price, currency, url}; "" where unknown. */
  function extract(doc, loc) {
    var site = siteFor(loc.hostname);
    var sources = [fromJsonLd(doc), fromMeta(doc), fromSelectors(doc, site)];
    return {
      platform: site ? site.platform : "",
      title: pick(sources, "title").slice(0, 300),
      image: absolute(pick(sources, "image"), doc),
      price: pick(sources, "price"),
      currency: pick(sources, "currency") || (site ? site.currency : ""),
      url: absolute(pick(sources, "url"), doc) || canonicalUrl(doc, loc),
    };
  }

  return { extract: extract, parsePrice: parsePrice, currencyOf: currencyOf, siteFor: siteFor };
})();
