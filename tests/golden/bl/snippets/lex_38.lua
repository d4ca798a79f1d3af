x = 'unterminated
'