extension ReportHTML {
    /// The page's whole style sheet, inline. Series colours are chosen to stay apart for the common
    /// colour-vision deficiencies; PASS and FAIL are always written out, never colour alone.
    static let css = """
        :root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --pass: #1a7f37; --fail: #cf222e; --bg: #ffffff; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
          color: var(--ink); background: var(--bg); }
        header.verdict { padding: 16px 24px; color: #fff; }
        header.pass { background: var(--pass); }
        header.fail { background: var(--fail); }
        header h1 { margin: 0; font-size: 22px; overflow-wrap: anywhere; }
        header p { margin: 4px 0 0; }
        .result { font-weight: 700; letter-spacing: 0.05em; }
        main { padding: 8px 24px 24px; max-width: 1520px; }
        h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        h3 { font-size: 14px; margin: 0 0 6px; }
        table { border-collapse: collapse; }
        th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; }
        thead th { color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line); }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.facts th { color: var(--muted); font-weight: 600; padding-right: 16px; }
        table.facts td { overflow-wrap: anywhere; }
        #thresholds td.status { font-weight: 700; }
        #thresholds tr.pass td.status { color: var(--pass); }
        #thresholds tr.fail td.status { color: var(--fail); }
        #thresholds tr.fail { background: #ffebe9; }
        #latency-table td, #latency-table th { padding-right: 18px; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
        figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
        figcaption { font-weight: 600; margin-bottom: 4px; }
        svg.chart { width: 100%; height: auto; display: block; }
        svg.chart .grid line { stroke: #eaeef2; stroke-width: 1; }
        svg.chart .frame { fill: none; stroke: var(--line); }
        svg.chart text { font-size: 11px; fill: var(--muted); }
        svg.chart .no-data { font-size: 14px; }
        svg.chart .line { fill: none; stroke: var(--series); stroke-width: 2; stroke-linejoin: round; }
        svg.chart .point { fill: var(--series); stroke: #fff; stroke-width: 0.5; }
        svg.chart .swatch { fill: var(--series); }
        .series-p99 { --series: #8250df; }
        .series-from-send { --series: #bc4c00; }
        .series-out { --series: #0969da; }
        .series-in { --series: #d4a72c; }
        .series-connected { --series: #1a7f37; }
        .series-errors { --series: #cf222e; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
        .card table { width: 100%; }
        .card td.num { padding-right: 0; }
        tr.bad td { color: var(--fail); font-weight: 700; }
        #notes { color: var(--muted); }
        #warnings { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px 8px 28px; }
        footer { color: var(--muted); font-size: 12px; padding: 12px 24px 24px; }
        code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
          overflow-wrap: anywhere; }
        """
}
