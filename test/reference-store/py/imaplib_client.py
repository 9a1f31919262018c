"""Drives the reference store with Python's standard imaplib (a client this project did not write).

Usage: imaplib_client.py HOST PORT USER PASSWORD
Prints one line "OK <check>" per passed check and exits non-zero on the first failure.
"""
import imaplib
import sys


def check(name, cond):
    if not cond:
        print("FAIL " + name)
        sys.exit(1)
    print("OK " + name)


host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
msg = (
    b"From: <tel:+15551230001>\r\nTo: <tel:+15551230002>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
    b"Conversation-ID: Py-Conv-1\r\nContribution-ID: Py-Contrib-1\r\nIMDN-Message-ID: Py-Imdn-1\r\n"
    b"Content-Type: Message/CPIM\r\n\r\nFrom: <tel:+15551230001>\r\n\r\nContent-Type: text/plain\r\n\r\nhello from python\r\n"
)

m = imaplib.IMAP4(host, port)
typ, _ = m.login(user, password)
check("login", typ == "OK")
typ, _ = m.create("RCSMessageStore/py")
check("create", typ == "OK")
typ, data = m.append("RCSMessageStore/py", "(\\Flagged)", imaplib.Time2Internaldate(1764000000), msg)
check("append", typ == "OK" and b"APPENDUID" in data[0])
typ, data = m.select("RCSMessageStore/py")
check("select", typ == "OK" and data[0] == b"1")
typ, data = m.fetch("1", "(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (IMDN-Message-ID)])")
check("fetch header field", typ == "OK" and b"IMDN-Message-ID: Py-Imdn-1" in data[0][1])
check("fetch size", (b"RFC822.SIZE %d" % len(msg)) in data[0][0])
typ, data = m.fetch("1", "(BODY.PEEK[])")
check("fetch whole message byte-exact", typ == "OK" and data[0][1] == msg)
typ, data = m.uid("SEARCH", None, "HEADER", "Conversation-ID", "Py-Conv-1")
check("uid search header", typ == "OK" and data[0] == b"1")
typ, data = m.store("1", "+FLAGS", "(\\Seen)")
check("store", typ == "OK" and b"\\Seen" in data[0])
typ, data = m.search(None, "SEEN", "FLAGGED")
check("search flags", typ == "OK" and data[0] == b"1")
typ, data = m.fetch("1", "(BODY.PEEK[HEADER])")
check("seen identity header", typ == "OK" and b"Message-seen-identity:" in data[0][1])
typ, _ = m.store("1", "+FLAGS", "(\\Deleted)")
typ, data = m.expunge()
check("expunge", typ == "OK" and data[0] == b"1")
typ, data = m.status("RCSMessageStore/py", "(MESSAGES UIDNEXT)")
check("status", typ == "OK" and b"MESSAGES 0 UIDNEXT 2" in data[0])
m.logout()
print("DONE")
