                </div>
        </div>
    </div>
</section>
<footer id="footer" class="footer">
    <div class="container"><p class="copyright mb-0">Copyright &copy; {$date_year|escape} {$companyname|escape}. All Rights Reserved.</p></div>
</footer>
{$footeroutput}
</body>
</html>
