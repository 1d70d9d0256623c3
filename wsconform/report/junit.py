"""One profile's results as JUnit XML, for the certification bundle.

pytest's own --junitxml covers a whole run (every profile at once); the bundle needs one profile's
tests only, with the requirements each checked. Messages are the results' already redacted ones.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from wsconform.report.results import Results


def junit_xml(results: Results) -> str:
    """The results of one profile as a JUnit <testsuites> file."""
    tests = results.tests
    count = {o: sum(t.outcome == o for t in tests) for o in ("failed", "error", "skipped")}
    suite = ET.Element(
        "testsuite",
        name=f"wsconform.{results.profile}",
        tests=str(len(tests)),
        failures=str(count["failed"]),
        errors=str(count["error"]),
        skipped=str(count["skipped"]),
        time=f"{sum(t.duration for t in tests):.3f}",
    )
    for test in tests:
        path, _, name = test.nodeid.partition("::")
        case = ET.SubElement(
            suite,
            "testcase",
            classname=path.removesuffix(".py").replace("/", "."),
            name=name,
            time=f"{test.duration:.3f}",
        )
        properties = ET.SubElement(case, "properties")
        for req in test.reqs:
            ET.SubElement(properties, "property", name="requirement", value=req)
        if test.baselined:
            ET.SubElement(properties, "property", name="baselined", value=test.baselined)
        message = test.message or ""
        if test.outcome in ("failed", "error"):
            kind = "failure" if test.outcome == "failed" else "error"
            element = ET.SubElement(case, kind, message=message.splitlines()[0] if message else "")
            element.text = message
        elif test.outcome == "skipped":
            ET.SubElement(case, "skipped", message=message)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
