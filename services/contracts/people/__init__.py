"""The published contract of the people register (`people`): its events and their payload
schemas (`events`), the schemas of its commands and answers (`schemas`), its code lists
(`vocabulary`), its limits (`limits`), its texts (`messages`), its spreadsheet columns
(`sheet`) and its data catalogue (`catalogue`, what the record of processing is made from).
Personal values travel sealed (DESIGN §2b): other services see ids, codes and dates only."""
