"""诚信 state changes for the owner's reply and request for a re-check, and staff scheduling and
answering it; the only place they happen. Each checks who may, writes the row, an audit entry and
the messages. (Issue 12, part A: to be built.) Refusals and serious cases: venues.workflows.cases."""
