BBBBBBB BBBBBBBBBBBBBBB BBBB BBBBBBBBB
BBBBB BBBBB gettext(u'Achats entre coopératives') BBBBBBBB
BBBBB BBBBBBB
BBBBBBB BBBBBBBBBBBBBBBBBBBBB
XXXX gettext(u'Achats entre coopératives') XXXXX
XX XXXXXXXXXXXXX gettext(u"Ce que les coopératives du réseau s'achètent entre elles, par année, par territoire et par secteur d'activité de la coopérative fournisseuse.") XXXX

BB BBBBBBBBBBBBBBBB
XXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXX gettext(u'Mes coopératives') XXXXX
  XXXXBBB BBBBBBBBBBBB BB BBBBBBBBBBBBBBBBXXXXXX XXXXXXBBB BBBBBBBBBBBBBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBBBBBXX gettext(u'Achats de %(name)s et part dans le réseau') SSSSSS SS SSSSSSSS SS SSSS SSSS SS SSSSSSXXXXXXXXXBBBBBBXXXXX
XXXXXXXXXX
BBBBB

BB BBBBBBBBBB
XX XXXXXXXXXXXXXXXX gettext(u"Vous voyez tous les chiffres (équipe de l'union) : ne les diffusez pas tels quels, le public voit les mêmes tableaux avec le secret statistique.") XXXX
BBBB
XX XXXXXXXXXXXXX gettext(u"Secret statistique : un chiffre n'est publié que s'il regroupe au moins trois coopératives acheteuses et trois fournisseuses, sans qu'aucune ne pèse plus de 85 %% du montant ; d'autres cases sont masquées pour qu'on ne puisse pas les recalculer par différence.") XXXX
BBBBB

XXXXX XXXXXXXXXXXX XXXXXXXXXXXXXXXX
  BBB BBBBB BB BBBBBBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB
  XXXXXXX XXXXXXXXXXXXX XXXXXXXXXXXXXXX gettext(u'Afficher') XXXXXXXXX
XXXXXXX

XXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXX gettext(u'Par année') XXXXX
  BB BBBBBBBBBBBBBBBBBB
  XXXX XXXXXXXXXXXXXXXXXXXXXXXX
    BB BBBBBBBBBBBXXXX XXXXXX XXXXX gettext(u'Montant des achats entre coopératives par année ; les chiffres sont dans le tableau à côté.') XXBBBBB
     gettext(u'Achats entre coopératives par année')  gettext(u'Année') 
    BBBBBBB BBBBBBBBBBBBBBBBBBBBBBB BBBB BBBBBBBBBBBBBBBBBBB BBBBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBB
  XXXXXX
  BBBBXXX gettext(u"Aucun achat entre coopératives enregistré pour l'instant.") XXXXBBBBB
XXXXXXXXXX

XXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
  BB BBBBBBBBBBBBBBBBBBBBBBXX XXXXXXXXXXXXX gettext(u"Le détail par département est réservé à l'équipe de l'union : publié à côté des régions, il permettrait de recalculer des chiffres masqués. Voici les régions.") XXXXBBBBB
  XXX XXXXXXXXXXXXXXXXXXXXXBB BBBBBBBBBBB BB BBBBBBBB gettext(u'Par région') BBBB gettext(u'Par département') BBBBBBB BBBBBBBBBB BB BBBBBBBBBB  gettext(u"de l'acheteuse") BBBB  gettext(u'de la fournisseuse') BBBBBBB BBBBBBBBBB X BBBBBXXXXX
  BB BBBBBBBBBBBBBBBBBBBBBBB
  XXXX XXXXXXXXXXXXXXXXXXXXXXXX
    BB BBBBBBBBBBBBBBBBXXXX XXXXXX XXXXX gettext(u'Montant des achats entre coopératives par territoire ; les chiffres sont dans le tableau à côté.') XXBBBBB
     gettext(u'Achats entre coopératives par territoire')  gettext(u'Territoire') 
    BBBBBBB BBBBBBBBBBBBBBBBBBBBBBB BBBB BBBBBBBBBBBBBBBBBBBBBBBB BBBBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBB
  XXXXXX
  BBBBXXX gettext(u'Aucun achat pour cette sélection.') XXXXBBBBB
XXXXXXXXXX

XXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXXXX gettext(u'Par secteur de la coopérative fournisseuse (section NAF)') BB BBBBBBBBBB X BBBBBXXXXX
  BB BBBBBBBBBBBBBBBBBBBB
  XXXX XXXXXXXXXXXXXXXXXXXXXXXX
    BB BBBBBBBBBBBBBXXXX XXXXXX XXXXX gettext(u'Montant des achats entre coopératives par section NAF de la fournisseuse ; les chiffres sont dans le tableau à côté.') XXBBBBB
     gettext(u'Achats entre coopératives par secteur')  gettext(u'Section NAF') 
    BBBBBBB BBBBBBBBBBBBBBBBBBBBBBB BBBB BBBBBBBBBBBBBBBBBBBBB BBBBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBB
  XXXXXX
  BBBBXXX gettext(u'Aucun achat pour cette sélection.') XXXXBBBBB
XXXXXXXXXX
BBBBBBBB
