"""Tables: computed answers over the documents' tables (counts, filters, superlatives,
comparisons, sums and differences), each counted or compared row cited.

One module per stage: `values` (a cell's typed reading: numbers, units, approximations,
dates), `extract` (every table of the corpus, each row tied to its quote), `store` (the
tables in DuckDB inside each index generation, and their catalog), `plan` (a question linked
to a typed Plan: table, filters, aggregate), `execute` (the plan run with parameters on a
read-only connection), `answerer` (the `ComputedAnswerer`, mode "computed") and `route`
(which questions go to it). Nothing here is imported by `import briefqa`; DuckDB is imported
only when an index is built or a table question is answered.
"""
