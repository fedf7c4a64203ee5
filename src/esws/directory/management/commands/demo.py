"""``esws demo``: create the sandbox's demo data (idempotent) and print how to use it."""

from __future__ import annotations

import json
import shlex
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from esws.directory import demo


class Command(BaseCommand):
    help = "Create the demo company, admin, users, locations and terminals; print the details."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        d = demo.ensure_demo()
        url = f"{settings.ESWS_PUBLIC_URL}/webservicesesws"
        data = {
            "security_code": demo.CODE,
            "admin_username": demo.USERNAME,
            "admin_password": demo.PASSWORD,
            "user_id": d.person.pk,
            "location_id": d.location.pk,
            "service_url": url,
            "wsdl_url": f"{url}?wsdl",
            "sync_url_prefix": f"{settings.ESWS_PUBLIC_URL}/users/oneSyncUserLogin/",
        }
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
            return
        self.stdout.write(
            f"Demo company ready.\n"
            f"  security code   {demo.CODE}\n"
            f"  admin           {demo.USERNAME} / {demo.PASSWORD}\n"
            f"  user id         {d.person.pk} ({d.person.full_name})\n"
            f"  location id     {d.location.pk} ({d.location.name})\n"
            f"  service         {url}  (WSDL: {url}?wsdl)\n\n"
            f"Get a sync token:\n{curl_command(url, d.person.pk, d.location.pk)}\n\n"
            f"Then open {settings.ESWS_PUBLIC_URL}/users/oneSyncUserLogin/<token> in a browser."
        )


def curl_command(url: str, user_id: int, location_id: int) -> str:
    envelope = (
        '<soapenv:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:uen="uen:esws">'
        "<soapenv:Body>"
        '<uen:Esws.getSyncToken soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
        f'<p_companyID xsi:type="xsd:string">{demo.CODE}</p_companyID>'
        f'<p_adminUsername xsi:type="xsd:string">{demo.USERNAME}</p_adminUsername>'
        f'<p_adminPassword xsi:type="xsd:string">{demo.PASSWORD}</p_adminPassword>'
        f'<p_userId xsi:type="xsd:string">{user_id}</p_userId>'
        f'<p_locationID xsi:type="xsd:string">{location_id}</p_locationID>'
        "</uen:Esws.getSyncToken></soapenv:Body></soapenv:Envelope>"
    )
    return (
        f"curl -s {url} -H 'Content-Type: text/xml; charset=utf-8' "
        f"-H 'SOAPAction: \"uen:esws#Esws.getSyncToken\"' --data {shlex.quote(envelope)}"
    )
