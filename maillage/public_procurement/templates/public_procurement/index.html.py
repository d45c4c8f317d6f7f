BBBBBBB BBBBBBBBBBBBBBB BBBB BBBBBBBBB
BBBBB BBBBB gettext(u'Marchés publics') BBBBBBBB
BBBBB BBBBBBB
XXXX XXXXXXXXXXXX gettext(u'Intercoopération') X XXXXXXXXXXXXXXXXXXXXX XXXXXXBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBXX gettext(u'Intercoopération') XXXX X  gettext(u'Marchés publics') XXXXXX
XXXX gettext(u'Marchés publics tenus par le réseau') XXXXX
XX XXXXXXXXXXXXX gettext(u"La part de la commande publique que les coopératives de l'annuaire remportent déjà, d'après les données essentielles de la commande publique (DECP). Un marché remporté en groupement est partagé à parts égales entre ses titulaires.") XXXX
BB BBBBBBBBBB
XX XXXXXXXXXXXXXXXX gettext(u"Vous voyez tous les chiffres (équipe de l'union) : le public voit les mêmes tableaux avec le secret statistique.") XXXX
BBBB
XX XXXXXXXXXXXXX gettext(u"Secret statistique : la part du réseau n'est publiée que si au moins trois coopératives y contribuent sans qu'aucune ne pèse plus de 85 %% ; d'autres cases sont masquées pour qu'on ne puisse pas les recalculer.") XXXX
BBBBB
XXXXX XXXXXXXXXXXX XXXXXXXXXXXXXXXX
  BBB BBBBB BB BBBBBBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB
  XXXXXXX XXXXXXXXXXXXX XXXXXXXXXXXXXXX gettext(u'Afficher') XXXXXXXXX
XXXXXXX
BB BBBBBBBBBBBBBBBBXX XXXXXXXXXXXXX gettext(u"Le détail par département est réservé à l'équipe de l'union : publié à côté des régions, il permettrait de recalculer des chiffres masqués. Voici les régions.") XXXXBBBBB
BB BBBBBBBBBB
XXXX XXXXXXXXXXXXXXXXXXXXXXXX
  BB BBBBBXXXX XXXXXX XXXXX gettext(u'Montant des marchés publics tenus par les coopératives du réseau ; les chiffres sont dans le tableau à côté.') XXBBBBB
  XXXX XXXXXXXXXXXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXXXXX
    XXXXXXXXX gettext(u'Marchés publics tenus par le réseau') BB BBBBBBBBBB X BBBBBXXXXXXXXXX
    XXXXXXXXXXXXXX XXXXXXXXXXXX gettext(u'Regroupement') XXXXX
      BB BBBBBBBBBBBBBBB BB BBBBBXXX XXXXXXXXXXX XXXXXXXXXXXX gettext(u'Marché total') XXXXXXXX XXXXXXXXXXX XXXXXXXXXXXX gettext(u'Marchés') XXXXXBBBBB
      XXX XXXXXXXXXXX XXXXXXXXXXXX gettext(u'Tenu par le réseau') XXXXXXXX XXXXXXXXXXX XXXXXXXXXXXX gettext(u'Marchés du réseau') XXXXXXXX XXXXXXXXXXX XXXXXXXXXXXX gettext(u'Coopératives') XXXXX
      BB BBBBBBBBBBBBBBB BB BBBBBXXX XXXXXXXXXXX XXXXXXXXXXXX gettext(u'Part') XXXXXBBBBBXXXXXXXXXXXXX
    XXXXXXXBBB BBB BB BBBBBBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBXXXXXXXX
    BB BBBBBBBBBBBXXXXXXXBBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB BBBB BBBBBBBBBBBBBBBXXXXXXXXBBBBB
  XXXXXXXXXXXXXX
XXXXXX
BBBB
XXX gettext(u"Aucun marché public importé pour l'instant.") XXXX
BBBBB
BBBBBBBB
