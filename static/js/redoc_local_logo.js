// Redoc draws its "API docs by Redocly" footer with a logo from cdn.redoc.ly, and no Redoc option
// turns it off. The page fetches nothing from elsewhere (the CSP would refuse it and say so in the
// console), so that one address becomes an empty local image, hidden by css/api_docs.css.
(function () {
  "use strict";
  var CDN = "https://cdn.redoc.ly/";
  var BLANK = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==";
  function local(value) {
    return typeof value === "string" && value.indexOf(CDN) === 0 ? BLANK : value;
  }
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    return setAttribute.call(this, name, name === "src" ? local(value) : value);
  };
  var src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    enumerable: src.enumerable,
    get: src.get,
    set: function (value) { src.set.call(this, local(value)); },
  });
})();
