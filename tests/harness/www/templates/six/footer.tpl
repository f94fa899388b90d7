                </div>
        </div>
    </div>
</section>
<section id="footer">
    <div class="container"><p>Copyright &copy; {$date_year|escape} {$companyname|escape}. All Rights Reserved.</p></div>
</section>
{$footeroutput}
</body>
</html>
