#!/usr/bin/env python3
"""Small helper for translators and developers: add or update keys in a .resx file.

usage: tools/resx.py FILE KEY=VALUE [KEY=VALUE ...]
       tools/resx.py FILE --from-tsv TSV   (lines: key<TAB>value)
Keeps the file sorted by key so merges stay small."""
import sys, xml.etree.ElementTree as ET

HEADER = '''<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
'''

def load(path):
    try:
        root = ET.parse(path).getroot()
    except FileNotFoundError:
        return {}
    return {d.get('name'): (d.find('value').text or '') for d in root.findall('data')}

def esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')

def save(path, entries):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(HEADER)
        for k in sorted(entries):
            f.write(f'  <data name="{esc(k)}" xml:space="preserve"><value>{esc(entries[k])}</value></data>\n')
        f.write('</root>\n')

if __name__ == '__main__':
    path, args = sys.argv[1], sys.argv[2:]
    entries = load(path)
    if args and args[0] == '--from-tsv':
        for line in open(args[1], encoding='utf-8'):
            line = line.rstrip('\n')
            if not line or line.startswith('#'): continue
            k, v = line.split('\t', 1)
            entries[k] = v
    else:
        for a in args:
            k, v = a.split('=', 1)
            entries[k] = v
    save(path, entries)
