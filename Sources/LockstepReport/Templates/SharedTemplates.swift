import Mustache

/// The templates `report.html` and the workspace (`lockstep serve`) both render, so the sections
/// they share never drift: headline figures, flagged accounts with their evidence and partners, and
/// an operation's reasons. Each caller adds its own page templates on top (``init(adding:)``).
///
/// Everything from the data is escaped by ``HTML/escape(_:)`` (the report's escaping: quotes,
/// backticks, control characters and bidirectional overrides too), never by Mustache's own; no
/// template uses `{{{name}}}` or `{{&name}}`, so nothing from the data can become markup.
package struct SharedTemplates: Sendable {
    /// The content type every template declares on its first line.
    package static let contentType = "LOCKSTEP_HTML"
    /// Put first in every template: Mustache's built-in HTML escaping leaves backticks and bidi overrides.
    package static let pragma = "{{% CONTENT_TYPE: LOCKSTEP_HTML}}"

    /// The shared partials, by name. Values are display strings (numbers already formatted);
    /// `…Href` values are links the caller built (an anchor in the report, a route in the workspace).
    package static let partials: [(name: String, text: String)] = [
        // [{label, value}]: a row of headline figures.
        ("figures", """
            <div class="figs">{{#figures}}<div class="fig"><b>{{value}}</b>{{label}}</div>{{/figures}}</div>
            """),
        // [{weight, code, detail}]: the pieces of evidence behind a flag, strongest first.
        ("evidence", """
            <ul class="evidence">{{#evidence}}<li><b>{{weight}}</b> <code>{{code}}</code> {{detail}}</li>{{/evidence}}</ul>
            """),
        // [{partnerName, partnerHref?, trace, weight, pValue?, leads, follows, examples: [String]}]: coordination partners.
        ("partners", """
            <ul class="partners">{{#partners}}<li>{{#partnerHref}}<a href="{{partnerHref}}">{{partnerName}}</a>{{/partnerHref}}{{^partnerHref}}{{partnerName}}{{/partnerHref}}: {{trace}} × {{weight}}{{#pValue}} (p = {{pValue}}){{/pValue}}; led {{leads}}, followed {{follows}}{{#examples}}<br><span class="mono">{{.}}</span>{{/examples}}</li>{{/partners}}</ul>
            """),
        // [{anchor, accountName, accountHref?, id, score, role, cluster, clusterHref?, codes, evidence, partners, hasPartners}].
        ("flaggedAccounts", """
            <table class="flagged"><tr><th>account</th><th>score</th><th>role</th><th>cluster</th><th>evidence</th></tr>
            {{#flaggedAccounts}}<tr id="{{anchor}}"><td>{{#accountHref}}<a href="{{accountHref}}">{{accountName}}</a>{{/accountHref}}{{^accountHref}}{{accountName}}{{/accountHref}}<br><span class="mono muted">{{id}}</span></td><td class="n">{{score}}</td><td>{{role}}</td><td>{{#clusterHref}}<a href="{{clusterHref}}">{{cluster}}</a>{{/clusterHref}}</td><td><details><summary>{{codes}}</summary>{{>evidence}}{{#hasPartners}}<p class="muted">Strongest partners (shared item, this account's post and time, the partner's):</p>{{>partners}}{{/hasPartners}}</details></td></tr>
            {{/flaggedAccounts}}</table>
            """),
        // [{signal, pointsTo, weight, detail}] and {inauthentic, authentic}: why a group is judged an operation or not.
        ("operationReasons", """
            <table class="reasons"><tr><th>signal</th><th>points to</th><th>weight</th><th>evidence</th></tr>
            {{#reasons}}<tr><td><code>{{signal}}</code></td><td>{{pointsTo}}</td><td class="n">{{weight}}</td><td>{{detail}}</td></tr>{{/reasons}}
            {{#combined}}<tr><td colspan="2"><b>combined</b></td><td class="n">{{inauthentic}} / {{authentic}}</td><td>operation / authentic strength (noisy-OR of each side)</td></tr>{{/combined}}</table>
            """),
    ]

    let library: MustacheLibrary

    /// The shared partials plus the caller's own templates (which may use them as `{{>name}}`).
    package init(adding own: [(name: String, text: String)] = []) throws {
        Self.registerContentType()
        var lib = MustacheLibrary()
        for (name, text) in Self.partials + own {
            try lib.register(Self.pragma + text, named: name)
        }
        library = lib
    }

    /// Renders a template by name; "" for an unknown name (a programming error the tests catch).
    package func render(_ values: [String: Any], _ template: String) -> String {
        library.render(values, withTemplate: template) ?? ""
    }

    static let registered: Void = MustacheContentTypes.register(EscapedHTML(), named: contentType)
    static func registerContentType() { _ = registered }

    struct EscapedHTML: MustacheContentType {
        func escapeText(_ text: String) -> String { HTML.escape(text) }
    }
}
