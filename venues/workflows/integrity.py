"""诚信 state changes, the only place they happen: the owner's reply and request for a re-check
and staff scheduling and answering it (part A); refusals recorded and the serious-case procedure,
proposal → notice → objection → decision → repair (part B). Each checks who may, writes the row,
an audit entry and the messages. (Issue 12: to be built.)"""
