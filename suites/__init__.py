"""The conformance suites, one package per profile: installed, they are wsconform.data.suites.*
(`pytest --pyargs wsconform.data.suites.paradex`), and their test modules never shadow a
top-level module named like a profile."""
