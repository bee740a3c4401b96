/// The workspace's own page templates, on top of the partials it shares with report.html
/// (``SharedTemplates``: figures, flagged accounts, evidence, partners, operation reasons).
/// `{{name}}` escapes with the report's escaping; no template uses `{{{name}}}`, so nothing from
/// the data (posts, profiles, handles) can become markup. A test checks both.
enum Templates {
    static let layout = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Lockstep</title><link rel="stylesheet" href="/static/style.css"></head>
        <body><nav><strong>Lockstep</strong> <a href="/">Overview</a> <a href="/accounts">Accounts</a> <a href="/accounts?flagged=true">Flagged</a> <a href="/hijacks">Hijacks</a> <a href="/surges">Surges</a></nav>
        <main>{{$content}}{{/content}}</main>
        <footer>Case {{folder}} · written {{writtenAt}} · times in UTC</footer></body></html>
        """

    static let fields = """
        <table class="fields">{{#fields}}<tr><th>{{name}}</th><td>{{value}}</td></tr>{{/fields}}</table>
        """

    static let labelForm = """
        <section class="label"><h2>Analyst label</h2>
        {{#label}}<p class="current verdict-{{verdict}}" id="current-label">Current label: <strong>{{verdict}}</strong> by {{author}} at {{createdAt}}{{#hasNote}}: {{note}}{{/hasNote}}</p>{{/label}}
        {{^label}}<p id="current-label">No label yet.</p>{{/label}}
        <form method="post" action="{{labelAction}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label><input type="radio" name="verdict" value="confirmed" required> confirmed</label>
        <label><input type="radio" name="verdict" value="dismissed"> dismissed</label>
        <label><input type="radio" name="verdict" value="unsure"> unsure</label>
        <label>Note <input type="text" name="note" maxlength="10000" size="50"></label>
        <label>Author <input type="text" name="author" maxlength="200" size="16"></label>
        <button type="submit">Save label</button></form>
        {{#hasHistory}}<details><summary>History ({{historyCount}})</summary><ul>{{#history}}<li>{{createdAt}} {{author}}: {{verdict}} {{note}}</li>{{/history}}</ul></details>{{/hasHistory}}
        </section>
        """

    static let overview = """
        {{<layout}}{{$content}}
        <h1>Case overview</h1>
        <p class="headline">{{headline}}</p>
        {{>figures}}
        <table class="fields">{{#counts}}<tr><th>{{name}}</th><td>{{value}}</td></tr>{{/counts}}</table>
        <h2>Input</h2>
        <table class="fields">{{#input}}<tr><th>{{name}}</th><td>{{value}}</td></tr>{{/input}}</table>
        {{#findings}}<h2>Flagged accounts</h2>{{>figures}}{{/findings}}
        {{#hasFlagged}}<p>The highest-scoring flagged accounts, as report.html lists them (<a href="/accounts?flagged=true">all of them</a>):</p>
        {{>flaggedAccounts}}{{/hasFlagged}}
        <h2>Reasons among flagged accounts</h2>
        <table><tr><th>Reason</th><th>Accounts</th></tr>{{#reasons}}<tr><td><a href="{{href}}">{{code}}</a></td><td>{{count}}</td></tr>{{/reasons}}</table>
        {{#hasOperations}}<h2>Operations</h2>
        <table><tr><th>Operation</th><th>Verdict</th><th>Accounts</th><th>Label</th></tr>{{#operations}}<tr><td><a href="{{href}}">{{id}}</a></td><td>{{verdict}}</td><td>{{accounts}}</td><td>{{label}}</td></tr>{{/operations}}</table>{{/hasOperations}}
        <h2>Clusters</h2>
        <table><tr><th>Cluster</th><th>Size</th><th>Core</th><th>Amplifiers</th><th>Traces</th><th>Label</th></tr>
        {{#clusters}}<tr><td><a href="{{href}}">{{cluster}}</a></td><td>{{size}}</td><td>{{core}}</td><td>{{amplifiers}}</td><td>{{traces}}</td><td>{{label}}</td></tr>{{/clusters}}</table>
        {{/content}}{{/layout}}
        """

    static let accounts = """
        {{<layout}}{{$content}}
        <h1>Accounts</h1>
        <form method="get" action="/accounts" class="filters">
        <input type="search" name="q" value="{{q}}" placeholder="id, @handle or words in posts" size="30">
        <label>Flagged <select name="flagged">{{#flaggedOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/flaggedOptions}}</select></label>
        <label>Role <select name="role">{{#roleOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/roleOptions}}</select></label>
        <label>Cluster <input type="text" name="cluster" value="{{cluster}}" size="5"></label>
        {{#hasOperation}}<label>Operation <input type="text" name="operation" value="{{operation}}" size="5"></label>{{/hasOperation}}
        <label>Label <select name="label">{{#labelOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/labelOptions}}</select></label>
        <label>Reason <input type="text" name="reason" value="{{reason}}" size="18"></label>
        <label>Sort <select name="sort">{{#sortOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/sortOptions}}</select></label>
        <button type="submit">Show</button></form>
        <p id="total">{{total}} account(s){{#pages}}, page {{page}} of {{pages}}{{/pages}}</p>
        <table class="accounts"><tr>{{#columns}}<th><a href="{{href}}">{{name}}</a></th>{{/columns}}</tr>
        {{#rows}}<tr>{{#cells}}<td>{{#linked}}<a href="{{href}}">{{value}}</a>{{/linked}}{{^linked}}{{value}}{{/linked}}</td>{{/cells}}</tr>{{/rows}}</table>
        <p class="pager">{{#prev}}<a href="{{prev}}" rel="prev">← previous</a>{{/prev}} {{#next}}<a href="{{next}}" rel="next">next →</a>{{/next}}</p>
        {{/content}}{{/layout}}
        """

    static let account = """
        {{<layout}}{{$content}}
        <h1>Account <span class="handle">@{{handle}}</span> <small>{{id}}</small></h1>
        <p class="verdict">{{#flagged}}<strong class="flag">Flagged</strong> · role {{role}} · score {{score}}{{/flagged}}{{^flagged}}Not flagged · score {{score}}{{/flagged}}{{#clusterHref}} · <a href="{{clusterHref}}">cluster {{cluster}}</a>{{/clusterHref}}{{#operationHref}} · <a href="{{operationHref}}">operation {{operation}}</a>{{/operationHref}}</p>
        {{>labelForm}}
        <h2>Evidence</h2>
        {{#hasEvidence}}{{>evidence}}{{/hasEvidence}}
        {{^hasEvidence}}<p>No evidence recorded: the account is not flagged.</p>{{/hasEvidence}}
        <h2>Partners</h2>
        {{#hasPartners}}<p class="muted">Shared items: the item, this account's post and time, the partner's.</p>{{>partners}}{{/hasPartners}}
        {{^hasPartners}}<p>No coordination partners.</p>{{/hasPartners}}
        <h2>Schedule (posts per weekday and UTC hour)</h2>
        {{#hasPosts}}<table class="heatmap"><tr><th></th>{{#hours}}<th>{{.}}</th>{{/hours}}</tr>{{#heatmap}}<tr><th>{{day}}</th>{{#cells}}<td class="h{{level}}" title="{{count}}">{{shown}}</td>{{/cells}}</tr>{{/heatmap}}</table>
        <h2>Client history</h2>
        <table><tr><th>Client</th><th>Posts</th><th>First</th><th>Last</th></tr>{{#clients}}<tr><td>{{client}}</td><td>{{n}}</td><td>{{first}}</td><td>{{last}}</td></tr>{{/clients}}</table>{{/hasPosts}}
        {{^hasPosts}}<p>The case holds no posts of this account (by default only flagged, clustered and hijack-suspect accounts' posts are stored; `analyze --case-posts all` stores every post).</p>{{/hasPosts}}
        <h2>Every column</h2>
        {{>fields}}
        <h2>Posts ({{postCount}})</h2>
        <table class="posts"><tr><th>Time</th><th>Kind</th><th>Post</th><th>Text</th><th>Client</th><th>Hashtags</th></tr>
        {{#posts}}<tr><td>{{time}}</td><td>{{kind}}</td><td>{{post_id}}</td><td class="text">{{text}}</td><td>{{client}}</td><td>{{hashtags}}</td></tr>{{/posts}}</table>
        <p class="pager">{{#postsPrev}}<a href="{{postsPrev}}">← newer</a>{{/postsPrev}} {{#postsNext}}<a href="{{postsNext}}">older →</a>{{/postsNext}}</p>
        {{/content}}{{/layout}}
        """

    static let group = """
        {{<layout}}{{$content}}
        <h1>{{kindTitle}} {{id}}</h1>
        {{>labelForm}}
        {{#reasons}}<h2>Why this verdict</h2>{{>operationReasons}}{{/reasons}}
        {{>fields}}
        {{#hasClusters}}<h2>Clusters</h2><ul>{{#clusters}}<li><a href="{{href}}">cluster {{cluster}}</a> ({{size}} accounts)</li>{{/clusters}}</ul>{{/hasClusters}}
        <h2>Network</h2>
        <svg class="network" viewBox="0 0 600 600" width="600" height="600" role="img" aria-label="co-action network">
        {{#links}}<line x1="{{x1}}" y1="{{y1}}" x2="{{x2}}" y2="{{y2}}" class="edge"></line>{{/links}}
        {{#nodes}}<a href="{{href}}"><circle cx="{{x}}" cy="{{y}}" r="{{r}}" class="node {{role}}"><title>@{{handle}} ({{role}})</title></circle></a>{{/nodes}}
        </svg>
        <p class="legend">Inner ring: core accounts; outer ring: amplifiers. {{shownEdges}} strongest edges of {{edgeCount}}.</p>
        <h2>Narratives</h2>
        <table><tr><th>Period</th><th>Term</th><th>Count</th><th>Share</th></tr>{{#narratives}}<tr><td>{{period}}</td><td>{{term}}</td><td>{{count}}</td><td>{{share}}</td></tr>{{/narratives}}</table>
        <h2>Members ({{memberCount}})</h2>
        {{#moreMembers}}<p>The {{shown}} highest-scoring members; <a href="{{href}}">all {{memberCount}} in the accounts table</a>, to filter, sort and page.</p>{{/moreMembers}}
        <table><tr><th>Account</th><th>Handle</th><th>Role</th><th>Score</th><th>Flagged</th><th>Label</th></tr>
        {{#members}}<tr><td><a href="{{href}}">{{account_id}}</a></td><td>{{handle}}</td><td>{{role}}</td><td>{{score}}</td><td>{{flagged}}</td><td>{{label}}</td></tr>{{/members}}</table>
        {{/content}}{{/layout}}
        """

    static let table = """
        {{<layout}}{{$content}}
        <h1>{{title}}</h1>
        <p>{{intro}}</p>
        <table><tr>{{#columns}}<th>{{.}}</th>{{/columns}}</tr>
        {{#rows}}<tr>{{#cells}}<td>{{#linked}}<a href="{{href}}">{{value}}</a>{{/linked}}{{^linked}}{{value}}{{/linked}}</td>{{/cells}}</tr>{{/rows}}</table>
        {{/content}}{{/layout}}
        """

    static let notFound = """
        {{<layout}}{{$content}}<h1>Not found</h1><p>{{what}}</p><p><a href="/accounts">Search the accounts</a></p>{{/content}}{{/layout}}
        """

    static let css = """
        body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
        nav{background:#20232a;color:#fff;padding:.6em 1em}nav a{color:#cde;margin-left:1em}
        main{padding:1em 1.5em;max-width:1400px}footer{color:#777;padding:1em 1.5em;font-size:12px}
        table{border-collapse:collapse;margin:.5em 0 1.2em}th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
        th{background:#f0f0f3}td.text{max-width:40em;overflow-wrap:anywhere}
        table.fields th{width:14em}.flag{color:#b00020}.verdict-confirmed{color:#b00020}.verdict-dismissed{color:#2e7d32}.verdict-unsure{color:#8d6e00}
        form.filters label{margin-right:.6em}form.filters{margin:.5em 0}
        .heatmap td{width:1.6em;height:1.4em;font-size:10px;text-align:center;padding:0;border:1px solid #fff}
        .h0{background:#f3f3f3}.h1{background:#dbe9f6}.h2{background:#abcde8}.h3{background:#6baed6}.h4{background:#3182bd;color:#fff}.h5{background:#08519c;color:#fff}
        svg.network{background:#fff;border:1px solid #ddd}.edge{stroke:#bbb;stroke-width:1}.node{fill:#888}.node.core{fill:#b00020}.node.amplifier{fill:#f08a24}
        section.label{background:#fff;border:1px solid #ddd;padding:.5em 1em;margin:1em 0}
        .figs{display:flex;flex-wrap:wrap;gap:10px;margin:.5em 0}.fig{background:#f0f0f3;border-radius:6px;padding:8px 12px;min-width:120px}.fig b{display:block;font-size:20px}
        .muted{color:#666}.mono,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}td.n{text-align:right;font-variant-numeric:tabular-nums}
        """
}
