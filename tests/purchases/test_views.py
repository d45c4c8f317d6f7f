"""Recording a purchase through the form, as a cooperative administrator would."""

from __future__ import annotations

from maillage.purchases.models import Purchase

from .factories import headquarters_siret


def test_record_a_purchase_from_a_cooperative(client, coops, people):
    client.force_login(people["admin"])
    url = f"/intercooperation/achats/{coops['buyer'].slug}/nouveau/"
    response = client.post(
        url,
        {
            "supplier": headquarters_siret(coops["joinery"]),
            "amount": "2 400,00",
            "date": "2025-03-14",
            "description": "Escalier",
        },
    )
    assert response.status_code == 302
    purchase = Purchase.objects.get()
    assert purchase.supplier == coops["joinery"]
    assert purchase.recorded_by == people["admin"]
    page = client.get(response["Location"]).content.decode()
    assert "Menuiserie du Gier" in page
    assert "dans le réseau" in page
    assert "100,0 %" in page


def test_record_by_exact_name_and_outside_the_network(client, coops, people):
    client.force_login(people["admin"])
    url = f"/intercooperation/achats/{coops['buyer'].slug}/nouveau/"
    client.post(url, {"supplier": "code commun", "amount": "10", "date": "02/01/2025"})
    client.post(url, {"supplier": "Garage Martin", "amount": "30", "date": "03/01/2025"})
    made = {p.supplier_display: p.in_network for p in Purchase.objects.all()}
    assert made == {"Code Commun": True, "Garage Martin": False}


def test_form_errors_name_the_value_and_why(client, coops, people):
    client.force_login(people["admin"])
    url = f"/intercooperation/achats/{coops['buyer'].slug}/nouveau/"
    response = client.post(
        url, {"supplier": "7328293200007", "amount": "abc", "date": "31/02/2025"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "un SIRET a 14 chiffres, celui-ci en a 13" in content
    assert "montant illisible" in content
    assert "date impossible" in content
    assert not Purchase.objects.exists()


def test_delete(client, coops, people):
    from .factories import purchase

    made = purchase(coops["buyer"], coops["joinery"])
    client.force_login(people["member"])
    url = f"/intercooperation/achats/{coops['buyer'].slug}/{made.pk}/supprimer/"
    assert client.post(url).status_code == 403
    client.force_login(people["admin"])
    assert client.post(url).status_code == 302
    assert not Purchase.objects.exists()
