"""The simulated people of bench/load.py (locust users), five to a company.

Each signs in with a password to its own company's host and works as its
persona does: the owner imports the people file once and browses; HR browses,
searches and opens records; the requester raises asset requests and submits
them; the line manager and finance approve what waits in their inbox. Every
response is checked for its company (``Tenancy.check``).
"""

from __future__ import annotations

import http.cookiejar
import random
import re
import threading
import time
from collections import Counter, deque

from locust import HttpUser, between, task

# The bench stands where the TLS-terminating proxy would: it speaks plain http
# to the server, so the client must send the production settings' Secure cookies.
http.cookiejar.DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
EMPLOYEE_LINK = re.compile(r'href="(/admin/employees/employee/\d+/change/)"')
REQUEST_LINK = re.compile(r'href="(/admin/approvals/approvalrequest/\d+/change/)"')
DECIDE_ACTION = re.compile(r'action="(/admin/approvals/approvalrequest/\d+/decide/)"')
STEP = re.compile(r'name="step" value="(\d+)"')
JOB_LINK = re.compile(r"/import/(\d+)/$")


class Tenancy:
    """What each company's pages may show, and the tally of those that showed another's."""

    companies: list[dict] = []
    port = 0
    personas: deque = deque()
    counts: Counter = Counter()
    imports: dict[str, dict] = {}
    lock = threading.Lock()

    @classmethod
    def configure(cls, companies: list[dict], port: int, password: str) -> None:
        cls.companies, cls.port, cls.password = companies, port, password
        cls.personas = deque(
            (spec, person["persona"], person["email"])
            for person_index in range(5)
            for spec in companies
            for person in [spec["people"][person_index]]
        )
        cls.counts = Counter()
        cls.imports = {}

    @classmethod
    def check(cls, spec: dict, response) -> None:
        """A response is cross-tenant when it names another company, shows one of its
        people (their addresses and numbers carry the company's slug) or sends the
        person to another company's host."""
        cls.counts["responses"] += 1
        body = response.text if "text" in response.headers.get("Content-Type", "") else ""
        body += " " + response.headers.get("Location", "")
        for other in cls.companies:
            if other is spec:
                continue
            if (
                other["name"] in body
                or other["email_domain"] in body
                or other["number_prefix"] in body
                or f"{other['slug']}.localhost" in body
            ):
                cls.counts["cross_tenant"] += 1
                return
        if (
            response.status_code == 200
            and "text/html" in response.headers.get("Content-Type", "")
            and spec["name"] not in body
        ):
            cls.counts["pages_without_company_name"] += 1


class CompanyPerson(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.spec, self.persona, self.email = Tenancy.personas.popleft()
        self.host_header = f"{self.spec['slug']}.localhost:{Tenancy.port}"
        self.import_job = None
        self.import_state = "to_upload" if self.persona == "owner" else "none"
        page = self.get("/admin/login/", name="login page")
        self.post(
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": self.csrf(page),
                "username": self.email,
                "password": Tenancy.password,
                "next": "/admin/",
            },
            name="sign in",
        )
        with Tenancy.lock:
            Tenancy.counts["signed_in"] += 1

    # -- HTTP with the company's host, every answer checked --------------------------

    def get(self, path, *, name, **kwargs):
        response = self.client.get(path, headers={"Host": self.host_header}, name=name, **kwargs)
        Tenancy.check(self.spec, response)
        return response

    def post(self, path, data, *, name, files=None):
        response = self.client.post(
            path,
            data=data,
            files=files,
            headers={"Host": self.host_header, "Referer": f"http://{self.host_header}{path}"},
            name=name,
        )
        Tenancy.check(self.spec, response)
        return response

    @staticmethod
    def csrf(response) -> str:
        match = CSRF.search(response.text or "")
        return match.group(1) if match else ""

    # -- what each persona does --------------------------------------------------------

    @task
    def work(self):
        if self.persona == "owner" and self.import_state not in ("done", "none"):
            self.import_step()
        elif self.persona == "requester":
            random.choice([self.raise_request, self.raise_request, self.my_requests])()
        elif self.persona in ("manager", "finance"):
            random.choice([self.approve, self.approve, self.browse_people])()
        else:
            random.choice([self.browse_people, self.search_people, self.open_person])()

    def browse_people(self):
        self.get("/admin/employees/employee/", name="employees: list")

    def search_people(self):
        term = random.choice(["Base1", "Imported4", "Operations", "Owner"])
        self.get(f"/admin/employees/employee/?q={term}", name="employees: search")

    def open_person(self):
        listing = self.get(
            f"/admin/employees/employee/?p={random.randint(1, 3)}", name="employees: list"
        )
        links = EMPLOYEE_LINK.findall(listing.text or "")
        if links:
            self.get(random.choice(links), name="employees: record")

    def my_requests(self):
        self.get("/admin/approvals/approvalrequest/", name="requests: list")

    def raise_request(self):
        form = self.get("/admin/approvals/approvalrequest/add/?kind=asset", name="requests: form")
        if not form.ok:
            return  # counted already; a POST without its token would only add a 403
        self.post(
            "/admin/approvals/approvalrequest/add/?kind=asset",
            {
                "csrfmiddlewaretoken": self.csrf(form),
                "title": f"Laptop for {self.spec['slug']} {random.randint(1, 10**6)}",
                "asset_category": "IT",
                "specification": "14 inch, 32 GB",
                "quantity": "1",
                "estimated_cost": str(random.randint(800, 3000)),
                "reason": "Replacement",
                "_submit": "1",
            },
            name="requests: submit",
        )

    def approve(self):
        inbox = self.get("/admin/approvals/approvalrequest/inbox/", name="inbox")
        links = REQUEST_LINK.findall(inbox.text or "")
        if not links:
            return
        page = self.get(random.choice(links[:10]), name="requests: record")
        if not page.ok:
            return
        action, step = DECIDE_ACTION.search(page.text or ""), STEP.search(page.text or "")
        if not action:
            return
        self.post(
            action.group(1),
            {
                "csrfmiddlewaretoken": self.csrf(page),
                "decision": "approve",
                "step": step.group(1) if step else "",
                "comment": "",
            },
            name="requests: approve",
        )

    # -- the owner's import: upload, wait for the check, start, wait for the end ---------

    def import_step(self):
        if self.import_state == "to_upload":
            form = self.get("/admin/employees/employee/import/", name="import: form")
            if not form.ok:
                return
            with open(self.spec["people_file"], "rb") as handle:
                response = self.client.post(
                    "/admin/employees/employee/import/",
                    data={"csrfmiddlewaretoken": self.csrf(form)},
                    files={"file": ("people.csv", handle, "text/csv")},
                    headers={"Host": self.host_header},
                    name="import: upload",
                    allow_redirects=False,
                )
            Tenancy.check(self.spec, response)
            match = JOB_LINK.search(response.headers.get("Location", ""))
            if match:
                self.import_job = int(match.group(1))
                self.import_state = "checking"
                self.record(status="uploaded", uploaded_at=time.time())
            return
        base = f"/admin/employees/employee/import/{self.import_job}/"
        response = self.get(base + "status/", name="import: status")
        status = response.json().get("status") if response.ok else None
        if status:
            self.record(status=status)
        if self.import_state == "checking" and status == "ready":
            page = self.get(base, name="import: job page")
            if not page.ok:
                return
            self.post(base, {"csrfmiddlewaretoken": self.csrf(page)}, name="import: start")
            self.import_state = "importing"
        elif status in ("done", "failed", "invalid"):
            self.import_state = "done"
            self.record(finished_at=time.time())
        else:
            self.browse_people()

    def record(self, **fields):
        with Tenancy.lock:
            Tenancy.imports.setdefault(self.spec["slug"], {}).update(fields)
