"""Generate a large, realistic Java file and time the Java rules (LG4xx) on it.

    .venv/bin/python bench/make_java_corpus.py [--lines 5000] [--runs 15] [--write out.java]

The file mixes the code assistants write in DAOs, controllers, servlets and utilities
(mostly good, with a few planted bad snippets, one of each kind every ~1,000 lines), split
into classes of a few hundred lines. Reported: tree-sitter parse time, a full scan by every
Java check (a fresh ``Analysis``, so no cached unit), and the rescan after a one-line edit.
Times are CPU time of this process (``time.process_time``): on a shared machine wall-clock
time mostly measures the neighbours; the wall-clock median is printed as well.
"""

from __future__ import annotations

import argparse
import statistics
import time

HEADER = """package com.example.generated;

import java.io.*;
import java.nio.file.*;
import java.security.MessageDigest;
import java.sql.*;
import java.util.*;
import javax.servlet.http.*;
import javax.xml.parsers.DocumentBuilderFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.*;
"""

GOOD_TEMPLATES = [
    """    public Optional<User> findUser{n}(Connection conn, String email) throws SQLException {{
        String sql = "SELECT id, email, name FROM users WHERE email = ? AND tenant_id = ?";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {{
            ps.setString(1, email);
            ps.setLong(2, TENANT_ID);
            try (ResultSet rs = ps.executeQuery()) {{
                if (!rs.next()) {{
                    return Optional.empty();
                }}
                User user = new User(rs.getLong("id"), rs.getString("email"), rs.getString("name"));
                return Optional.of(user);
            }}
        }}
    }}
""",
    """    @GetMapping("/orders/{{id}}/items{n}")
    public List<Item> items{n}(@PathVariable long id, @RequestParam(defaultValue = "20") int limit) {{
        List<Item> items = jdbcTemplate.query(
                "SELECT id, sku, qty FROM order_items WHERE order_id = ? ORDER BY id LIMIT ?",
                (rs, row) -> new Item(rs.getLong(1), rs.getString(2), rs.getInt(3)), id, limit);
        log.debug("Loaded " + items.size() + " items for order " + id);
        return items;
    }}
""",
    """    public String summary{n}(List<Order> orders) {{
        StringBuilder sb = new StringBuilder();
        for (Order order : orders) {{
            sb.append(order.getId()).append(": ").append(order.getTotal()).append('\\n');
        }}
        Map<String, Integer> counts = new HashMap<>();
        for (Order order : orders) {{
            counts.merge(order.getStatus(), 1, Integer::sum);
        }}
        return String.format("%d orders, %s", orders.size(), counts) + sb;
    }}
""",
    """    protected void doGet{n}(HttpServletRequest request, HttpServletResponse response) throws IOException {{
        String page = request.getParameter("page");
        int pageNumber = page == null ? 0 : Integer.parseInt(page);
        request.setAttribute("page", pageNumber);
        Cookie cookie = new Cookie("last-page", Integer.toString(pageNumber));
        cookie.setSecure(true);
        cookie.setHttpOnly(true);
        response.addCookie(cookie);
        response.setContentType("text/html; charset=UTF-8");
    }}
""",
    """    public byte[] checksum{n}(Path file) throws Exception {{
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {{
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) != -1) {{
                digest.update(buffer, 0, read);
            }}
        }}
        return digest.digest();
    }}
""",
    """    public int retryDelay{n}(int attempt) {{
        int base = Math.min(30_000, 100 << Math.min(attempt, 8));
        int jitter = RANDOM.nextInt(250);
        if (attempt > 5) {{
            log.warn("Attempt " + attempt + " exceeded the soft limit");
        }}
        return base + jitter;
    }}
""",
]

BAD_TEMPLATES = [
    """    public ResultSet search{n}(Connection conn, String name) throws SQLException {{
        Statement st = conn.createStatement();
        return st.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
    }}
""",
    """    public byte[] legacyHash{n}(String value) throws Exception {{
        return MessageDigest.getInstance("MD5").digest(value.getBytes());
    }}
""",
    """    public String resetToken{n}() {{
        return Long.toHexString(new Random().nextLong());
    }}
""",
    """    public void ping{n}(HttpServletRequest request) throws IOException {{
        Runtime.getRuntime().exec("ping -c 1 " + request.getParameter("host"));
    }}
""",
    """    public Object parse{n}(InputStream input) throws Exception {{
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        return factory.newDocumentBuilder().parse(input);
    }}
""",
]

CLASS_LINES = 480


def generate(lines: int = 5000) -> str:
    """Java source of about ``lines`` lines (at least that many)."""
    out = [HEADER]
    total = HEADER.count("\n")
    class_number = 0
    method_number = 0
    while total < lines:
        class_number += 1
        head = (
            f"\nclass Generated{class_number} {{\n"
            "    private static final long TENANT_ID = 1L;\n"
            "    private static final Random RANDOM = new Random();\n"
            "    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Object.class);\n"
            "    private JdbcTemplate jdbcTemplate;\n\n"
        )
        out.append(head)
        total += head.count("\n")
        class_total = 0
        while class_total < CLASS_LINES and total < lines:
            method_number += 1
            if method_number % 40 == 0:
                template = BAD_TEMPLATES[(method_number // 40) % len(BAD_TEMPLATES)]
            else:
                template = GOOD_TEMPLATES[method_number % len(GOOD_TEMPLATES)]
            text = template.format(n=method_number) + "\n"
            out.append(text)
            class_total += text.count("\n")
            total += text.count("\n")
        out.append("}\n")
        total += 1
    return "".join(out)


def _java_checks():
    from landguard.engine.registry import all_checks

    return [c for c in all_checks() if any(r.id.startswith("LG4") for r in c.rules)]


def measure(lines: int, runs: int) -> dict[str, float]:
    from landguard.engine.analyze import Analysis
    from landguard.engine.config import Config, DependencySettings
    from landguard.engine.document import Document

    text = generate(lines)
    config = Config(dependencies=DependencySettings(online=False))
    checks = _java_checks()
    parse_times, full_times, edit_times, full_wall = [], [], [], []
    findings = 0
    for _ in range(runs):
        start = time.process_time()
        document = Document(text, path="Generated.java")
        parse_times.append(time.process_time() - start)
        analysis = Analysis(document, config, checks)
        start, wall = time.process_time(), time.perf_counter()
        findings = len(analysis.run())
        full_times.append(time.process_time() - start)
        full_wall.append(time.perf_counter() - wall)
        # A one-line edit inside a method in the middle of the file.
        middle = len(document.lines) // 2
        while "return" not in document.lines[middle]:
            middle += 1
        change = document.apply_change((middle, 0, middle, 0), "        int unused = 0;\n")
        start = time.process_time()
        analysis.run([change])
        edit_times.append(time.process_time() - start)
    return {
        "lines": len(text.splitlines()),
        "checks": len(checks),
        "findings": findings,
        "parse_ms": statistics.median(parse_times) * 1000,
        "full_scan_ms": statistics.median(full_times) * 1000,
        "full_scan_min_ms": min(full_times) * 1000,
        "full_scan_wall_ms": statistics.median(full_wall) * 1000,
        "one_line_edit_ms": statistics.median(edit_times) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--write", help="also write the generated file here")
    options = parser.parse_args()
    if options.write:
        with open(options.write, "w", encoding="utf-8") as handle:
            handle.write(generate(options.lines))
    result = measure(options.lines, options.runs)
    print(
        f"{result['lines']} lines, {result['checks']} Java checks, {result['findings']} findings\n"
        f"CPU time per step (median of {options.runs} runs)\n"
        f"parse (tree-sitter):        {result['parse_ms']:.1f} ms\n"
        f"full scan, all LG4xx rules: {result['full_scan_ms']:.1f} ms (median), {result['full_scan_min_ms']:.1f} ms (min)"
        f"; wall clock {result['full_scan_wall_ms']:.1f} ms (median)\n"
        f"rescan after one-line edit: {result['one_line_edit_ms']:.1f} ms (median)"
    )


if __name__ == "__main__":
    main()
