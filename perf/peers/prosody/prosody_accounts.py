#!/usr/bin/env python3
"""Writes Prosody internal_hashed account files (data/<host>/accounts/<user>.dat) directly: what prosodyctl
register would store (SCRAM-SHA-1 stored/server keys, hex; salt as a UUID string; 4096 iterations), computed in
parallel, hundreds of times faster than one prosodyctl process per account. Existing files are kept."""
import hashlib, hmac, os, sys, uuid
from multiprocessing import Pool

data, host, prefix, count, password = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
folder = os.path.join(data, host.replace(".", "%2e").replace("-", "%2d"), "accounts")
os.makedirs(folder, exist_ok=True)

def write(i):
    path = os.path.join(folder, f"{prefix}{i}.dat")
    if os.path.exists(path):
        return 0
    salt = str(uuid.uuid4())
    salted = hashlib.pbkdf2_hmac("sha1", password.encode(), salt.encode(), 4096)
    stored = hashlib.sha1(hmac.new(salted, b"Client Key", "sha1").digest()).hexdigest()
    server = hmac.new(salted, b"Server Key", "sha1").hexdigest()
    with open(path + ".tmp", "w") as f:
        f.write('return {\n\t["iteration_count"] = 4096;\n\t["salt"] = "%s";\n\t["server_key"] = "%s";\n\t["stored_key"] = "%s";\n};\n' % (salt, server, stored))
    os.replace(path + ".tmp", path)
    return 1

with Pool() as pool:
    created = sum(pool.imap_unordered(write, range(1, count + 1), chunksize=256))
print(f"prosody: {created} accounts written, {count - created} existed ({prefix}1..{prefix}{count}@{host})")
