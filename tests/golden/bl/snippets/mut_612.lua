gotere
o nowhere
